"""Fixtures of the bad-input tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.core.permissions import Role
from tests.api.bad_input.support import World
from tests.conftest import TEST_CLIENT_IP
from tests.factories import Factory


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """conftest's client, except that an unhandled error comes back as the 500 response a
    real client would get instead of being raised into the test, so a failing case reports
    "expected 422, got 500" together with the response body."""
    transport = httpx.ASGITransport(
        app=app, raise_app_exceptions=False, client=(TEST_CLIENT_IP, 40000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://courzly.test") as c:
        yield c


@pytest.fixture
def limit(app: Any) -> int:
    max_bytes: int = app.state.settings.max_request_body_bytes
    return max_bytes


@pytest.fixture
async def world(factory: Factory) -> World:
    admin = await factory.user(Role.ADMIN)
    other = await factory.user()
    course = await factory.course(admin)
    module, lesson = await factory.lesson(course, admin)
    return World(
        headers=await factory.headers(admin),
        admin_email=admin.email,
        course=str(course.id),
        module=str(module.id),
        lesson=str(lesson.id),
        other=str(other.id),
    )
