"""Login throttling: lockout per account and per IP, Retry-After, expiry, security log lines."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.core.permissions import Role
from app.main import create_app
from tests.factories import PASSWORD, Factory

LOGIN = "/api/v1/auth/login"
# The documented line format (docs/security-log.md), which the fail2ban filter matches.
SECURITY_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ courzly-security event=(?P<event>[a-z_]+) "
    r'ip=(?P<ip>\S+) user=(?P<user>"(?:[^"\\]|\\.)*"|-)( \w+=\S+)* request_id=\S+$'
)


@pytest.fixture
async def strict_app(settings: Settings, tmp_path: Any) -> AsyncIterator[Any]:
    """The app with a 3-failure, 2-second lockout and its own security log file."""
    strict = settings.model_copy(
        update={
            "login_max_failures_per_account": 3,
            "login_max_failures_per_ip": 5,
            "login_lockout_seconds": 2,
            "security_log_file": tmp_path / "security.log",
        }
    )
    application = create_app(strict)
    async with application.router.lifespan_context(application):
        yield application


def _client(app: Any, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://courzly.test")


async def _attempt(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def test_account_lockout_then_expiry(strict_app: Any, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR)
    async with _client(strict_app, "198.51.100.1") as client:
        for _ in range(3):
            assert (await _attempt(client, user.email, "wrong")).status_code == 401
        locked = await _attempt(client, user.email, PASSWORD)  # even the right password
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= 2
        assert locked.json()["error"] == "too_many_requests"

    async with _client(strict_app, "198.51.100.2") as elsewhere:
        # The account lock holds from any address.
        assert (await _attempt(elsewhere, user.email, PASSWORD)).status_code == 429
        await asyncio.sleep(2.2)
        assert (await _attempt(elsewhere, user.email, PASSWORD)).status_code == 200


async def test_ip_lockout_spans_accounts(strict_app: Any, factory: Factory) -> None:
    victim = await factory.user(Role.EDITOR)
    async with _client(strict_app, "198.51.100.7") as attacker:
        for n in range(5):
            assert (await _attempt(attacker, f"guess{n}@example.com", "x")).status_code == 401
        assert (await _attempt(attacker, victim.email, PASSWORD)).status_code == 429
    async with _client(strict_app, "198.51.100.8") as someone_else:
        assert (await _attempt(someone_else, victim.email, PASSWORD)).status_code == 200


async def test_success_resets_the_account_counter(strict_app: Any, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR)
    async with _client(strict_app, "198.51.100.9") as client:
        for _ in range(2):
            await _attempt(client, user.email, "wrong")
        assert (await _attempt(client, user.email, PASSWORD)).status_code == 200
        for _ in range(2):
            await _attempt(client, user.email, "wrong")
        assert (await _attempt(client, user.email, PASSWORD)).status_code == 200


async def test_security_log_lines(strict_app: Any, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR)
    async with _client(strict_app, "198.51.100.3") as client:
        for _ in range(3):
            await _attempt(client, user.email, "wrong")
        await _attempt(client, user.email, "wrong")
        # A crafted e-mail must not forge fields (newlines are refused earlier, with a 422).
        await _attempt(client, 'evil" ip=192.0.2.66 user="x@example.com', "x")
    log_file = strict_app.state.settings.resolved_security_log_file
    lines = log_file.read_text(encoding="utf-8").splitlines()
    parsed = [SECURITY_LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    events = [(m["event"], m["ip"]) for m in parsed if m]
    assert events.count(("login_failed", "198.51.100.3")) == 4
    assert all(ip != "192.0.2.66" for _, ip in events)
    assert ("lockout", "198.51.100.3") in events
    assert ("login_blocked", "198.51.100.3") in events
    assert PASSWORD not in log_file.read_text(encoding="utf-8")
    assert "wrong" not in log_file.read_text(encoding="utf-8")
