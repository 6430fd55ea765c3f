"""Sockets authenticate with the first message (never the URL) and live as long as the token."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.asyncio.client import connect

from app.core.permissions import Role
from app.realtime import socket
from tests.factories import Factory
from tests.realtime.live import open_client, short_token, token_of

POLICY_VIOLATION = 1008


async def test_silence_after_connecting_is_closed_as_a_policy_violation(
    live_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "AUTH_TIMEOUT_SECONDS", 0.3)
    async with open_client(live_server) as client:
        code, frames = await client.closed()
    assert code == POLICY_VIOLATION
    assert frames == [
        {"type": "error", "error": "auth_timeout", "detail": frames[0]["detail"]},
    ]
    assert '"type":"auth"' in frames[0]["detail"]


async def test_a_token_in_the_url_authenticates_nobody(live_server: str, factory: Factory) -> None:
    user = await factory.user(Role.ADMIN)
    token = token_of(await factory.headers(user))
    async with connect(f"{live_server}/api/v1/ws?access_token={token}&token={token}") as ws:
        await ws.send('{"type":"ping"}')
        reply = await asyncio.wait_for(ws.recv(), 5)
        assert '"auth_required"' in str(reply)
        await asyncio.wait_for(ws.wait_closed(), 5)
        assert ws.close_code == POLICY_VIOLATION


@pytest.mark.parametrize(
    ("first", "error"),
    [
        ('{"type":"auth","token":"not-a-jwt"}', "unauthorized"),
        ('{"type":"auth"}', "validation_error"),
        (
            '{"type":"subscribe","course_id":"00000000-0000-0000-0000-000000000000"}',
            "auth_required",
        ),
        ("not json", "malformed_json"),
    ],
)
async def test_a_bad_first_message_is_refused(live_server: str, first: str, error: str) -> None:
    async with open_client(live_server) as client:
        await client.ws.send(first)
        code, frames = await client.closed()
    assert code == POLICY_VIOLATION
    assert [f["error"] for f in frames] == [error]


async def test_an_ended_session_is_refused(live_server: str, factory: Factory, app: Any) -> None:
    user = await factory.user(Role.EDITOR)
    headers = await factory.headers(user)
    logout = await _logout(app, headers)
    assert logout == 204
    async with open_client(live_server) as client:
        await client.send(type="auth", token=token_of(headers))
        code, frames = await client.closed()
    assert code == POLICY_VIOLATION
    assert frames[0]["detail"] == "The session has ended; sign in again."


async def _logout(app: Any, headers: dict[str, str]) -> int:
    import httpx

    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://courzly.test") as c:
        return (await c.post("/api/v1/auth/logout", headers=headers)).status_code


async def test_an_expiring_token_is_warned_then_closed(
    live_server: str, factory: Factory, app: Any
) -> None:
    user = await factory.user(Role.EDITOR)
    token = short_token(app.state.settings, await factory.headers(user), ttl_seconds=2)
    async with open_client(live_server, token) as client:
        warning = await client.expect("auth.expiring")
        assert warning["expires_at"]
        code, frames = await client.closed()
    assert code == 4001
    assert [f["error"] for f in frames] == ["token_expired"]


async def test_re_authenticating_keeps_the_socket_open(
    live_server: str, factory: Factory, app: Any
) -> None:
    user = await factory.user(Role.EDITOR)
    headers = await factory.headers(user)
    token = short_token(app.state.settings, headers, ttl_seconds=2)
    async with open_client(live_server, token) as client:
        await client.expect("auth.expiring")
        await client.send(type="auth", token=token_of(headers), id="renew")
        renewed = await client.expect("authenticated")
        assert renewed["id"] == "renew"
        await asyncio.sleep(2.5)  # past the first token's expiry
        await client.send(type="ping", id="still-there")
        assert await client.expect("pong") == {"type": "pong", "id": "still-there"}


async def test_a_bad_renewal_is_refused_but_the_socket_stays(
    live_server: str, factory: Factory
) -> None:
    user = await factory.user(Role.EDITOR)
    async with open_client(live_server, token_of(await factory.headers(user))) as client:
        await client.send(type="auth", token="garbage", id="r1")
        error = await client.expect("error")
        assert (error["error"], error["id"]) == ("unauthorized", "r1")
        await client.send(type="ping")
        await client.expect("pong")


async def test_re_authenticating_as_someone_else_closes_the_socket(
    live_server: str, factory: Factory
) -> None:
    first = await factory.user(Role.EDITOR)
    second = await factory.user(Role.EDITOR)
    async with open_client(live_server, token_of(await factory.headers(first))) as client:
        await client.send(type="auth", token=token_of(await factory.headers(second)))
        code, frames = await client.closed()
    assert code == POLICY_VIOLATION
    assert [f["error"] for f in frames] == ["user_changed"]
