"""scripts/smoke-test.sh, which decides whether deploy.yml keeps a release or rolls it back:
it passes against the real app (API and web app served over HTTP), and fails, saying why,
against a server that is not ready or not Courzly."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from app.migrate import ROOT
from tests.web.live import live_server

SMOKE = ROOT / "scripts" / "smoke-test.sh"


async def _smoke(base: str, wait: int = 10) -> subprocess.CompletedProcess[str]:
    process = await asyncio.create_subprocess_exec(
        str(SMOKE),
        base,
        str(wait),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return subprocess.CompletedProcess([], process.returncode, out.decode(), err.decode())


@pytest.fixture
async def site(settings: Settings, app: object) -> AsyncIterator[str]:
    async with live_server(settings) as base:
        yield base


async def test_the_smoke_test_passes_against_the_real_app(site: str) -> None:
    result = await _smoke(f"{site}/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    assert "ok: " + site + "/api/v1/courses refuses an anonymous caller" in result.stdout


async def test_the_smoke_test_fails_when_nothing_answers() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await _smoke(f"http://127.0.0.1:{port}", wait=2)
    assert result.returncode == 1
    assert "/readyz did not answer 200 within 2s" in result.stderr
