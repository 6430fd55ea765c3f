"""The Courzly jail's filter against the security log the app really writes while someone
guesses passwords: every failed or blocked sign-in matches, with the guesser's address;
successful sign-ins from elsewhere never do."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.core.permissions import Role
from app.main import create_app
from tests.ansible.edge import fail2ban_regex
from tests.ansible.render import rendered
from tests.factories import PASSWORD, Factory
from tests.monitoring.tools import run_tool

GUESSER = "203.0.113.66"


@pytest.fixture
async def logging_app(settings: Settings, tmp_path: Path) -> AsyncIterator[Any]:
    strict = settings.model_copy(
        update={"login_max_failures_per_ip": 4, "security_log_file": tmp_path / "security.log"}
    )
    application = create_app(strict)
    async with application.router.lifespan_context(application):
        yield application


async def _sign_in(app: Any, ip: str, email: str, password: str) -> int:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://courzly.test") as client:
        answer = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
    return answer.status_code


async def test_the_courzly_filter_matches_the_apps_failed_sign_ins(
    logging_app: Any, factory: Factory, tmp_path: Path
) -> None:
    user = await factory.user(Role.EDITOR)
    statuses = [await _sign_in(logging_app, GUESSER, f"guess{n}@x.test", "nope") for n in range(6)]
    assert statuses == [401] * 4 + [429] * 2  # four failures, then the app's own lockout
    assert await _sign_in(logging_app, "198.51.100.20", user.email, PASSWORD) == 200

    log = tmp_path / "security.log"
    lines = log.read_text().splitlines()
    events = [re.search(r"event=(\w+) ip=(\S+)", line).groups() for line in lines]  # type: ignore[union-attr]
    counted = [event for event in events if event[0] in {"login_failed", "login_blocked"}]
    assert {ip for _, ip in counted} == {GUESSER}

    filters = rendered("fail2ban", tmp_path / "f2b") / "etc/fail2ban/filter.d"
    counts = fail2ban_regex(log, str(filters / "courzly-auth.conf"))
    assert counts["matched"] == len(counted) == 6
    assert counts["missed"] == len(lines) - len(counted)  # sign-ins and lockout notices

    matched = run_tool(
        "fail2ban-regex", "--print-all-matched", str(log), str(filters / "courzly-auth.conf")
    )
    assert "198.51.100.20" not in matched.stdout.split("Missed line(s)")[0]
