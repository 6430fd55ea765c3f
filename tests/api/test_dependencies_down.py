"""When PostgreSQL or Redis is unreachable, callers get a clear 503, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from app.config import Settings
from app.core import security
from app.core.permissions import Role
from app.main import create_app
from tests.factories import Factory


@pytest.fixture
async def stranded_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app pointed at a PostgreSQL and a Redis that are not there."""
    broken = settings.model_copy(
        update={
            "database_url": type(settings.database_url)("postgresql://nobody@127.0.0.1:1/none"),
            "redis_url": type(settings.redis_url)("redis://127.0.0.1:1/0"),
        }
    )
    app: Any = create_app(broken)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://courzly.test") as c:
            yield c


async def test_database_down_is_503(stranded_client: httpx.AsyncClient, settings: Settings) -> None:
    token = security.issue_access_token(settings.jwt_secret_value(), uuid4(), uuid4(), 900)
    response = await stranded_client.get(
        "/api/v1/courses", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
    assert response.headers["retry-after"] == "2"


async def test_redis_down_is_503_on_login(stranded_client: httpx.AsyncClient) -> None:
    response = await stranded_client.post(
        "/api/v1/auth/login", json={"email": "a@example.com", "password": "whatever"}
    )
    assert response.status_code == 503


async def test_readiness_names_what_is_down(stranded_client: httpx.AsyncClient) -> None:
    response = await stranded_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"postgresql": "unreachable", "redis": "unreachable"}


async def test_connection_dropped_by_the_server_is_503_then_recovers(
    client: httpx.AsyncClient, factory: Factory, database_url: str
) -> None:
    """No pre-ping on checkout (it costs round trips on every request): a pooled connection
    PostgreSQL has dropped fails one request with a 503, and the pool starts afresh."""
    user = await factory.user(Role.EDITOR)
    headers = await factory.headers(user)
    assert (await client.get("/api/v1/courses", headers=headers)).status_code == 200
    admin = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(False)
    )
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    first = await client.get("/api/v1/courses", headers=headers)
    assert first.status_code == 503
    assert first.json()["error"] == "service_unavailable"
    assert (await client.get("/api/v1/courses", headers=headers)).status_code == 200
