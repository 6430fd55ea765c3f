"""`courzly reseal` after a key rotation: webhook secrets and Google tokens sealed with the
previous key are sealed again with the current one, and still open to the same values."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.core.db import utcnow
from app.core.permissions import Role
from app.core.sealing import Sealer
from app.integrations.models import GoogleConnection
from app.migrate import ROOT
from app.webhooks.models import WebhookEndpoint, WebhookEvent
from tests.factories import Factory
from tests.webhooks.support import endpoint
from tests.workers import settings_env

OLD = "old-key-0123456789abcdefghijklmnopqrstuvwxyz"
NEW = "new-key-zyxwvutsrqponmlkjihgfedcba9876543210"


@pytest.fixture
def old_key_app(app: Any) -> Iterator[Any]:
    """The session's app sealing with OLD, for this test only."""
    original = app.state.settings
    app.state.settings = original.model_copy(update={"encryption_key": SecretStr(OLD)})
    yield app
    app.state.settings = original


async def test_reseal_moves_every_secret_to_the_current_key(
    old_key_app: Any, factory: Factory
) -> None:
    app = old_key_app
    admin = await factory.user(Role.ADMIN)
    hook, secret = await endpoint(app, admin, "http://127.0.0.1:9/in", [WebhookEvent.RUN_FAILED])
    old = Sealer(OLD)
    async with app.state.sessions() as session:
        session.add(
            GoogleConnection(
                user_id=admin.id,
                account_email="a@example.org",
                access_token_sealed=old.seal("ya29.access", f"google:{admin.id}:access"),
                refresh_token_sealed=old.seal("1//refresh", f"google:{admin.id}:refresh"),
                access_expires_at=utcnow() + timedelta(hours=1),
                scope="drive.file",
            )
        )
        await session.commit()

    rotated = app.state.settings.model_copy(
        update={"encryption_key": SecretStr(NEW), "encryption_key_previous": SecretStr(OLD)}
    )
    env = settings_env(rotated)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "reseal",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    assert "webhook secrets: 1 sealed again" in out.decode()
    assert "Google tokens: 2 sealed again" in out.decode()

    new_only = Sealer(NEW)
    async with app.state.sessions() as session:
        stored = await session.get(WebhookEndpoint, hook.id)
        connection = await session.scalar(select(GoogleConnection))
    assert stored is not None
    assert connection is not None
    assert new_only.open(stored.secret_sealed, f"webhook:{hook.id}") == secret
    assert (
        new_only.open(connection.refresh_token_sealed, f"google:{admin.id}:refresh") == "1//refresh"
    )
