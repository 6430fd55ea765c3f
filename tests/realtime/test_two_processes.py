"""Two real API processes: a client on each sees the same events, whoever produced them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.config import Settings
from app.core.permissions import Role
from app.migrate import ROOT
from tests.factories import Factory
from tests.realtime.live import emit, free_port, open_client, token_of

START_TIMEOUT_SECONDS = 60.0
SERVICE_RESTART = 1012  # uvicorn's close code for the sockets of a stopping server


def _env(settings: Settings, data_dir: Path) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COURZLY_", "JWT_", "OPENAI_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "REDIS_KEY_PREFIX")
    }
    assert settings.database_url is not None
    assert settings.redis_url is not None
    return {
        **inherited,
        "COURZLY_ENV": "test",
        "COURZLY_DATA_DIR": str(data_dir),
        "DATABASE_URL": settings.database_url.get_secret_value(),
        "REDIS_URL": settings.redis_url.get_secret_value(),
        "REDIS_KEY_PREFIX": settings.redis_key_prefix,
        "JWT_SECRET": settings.jwt_secret_value(),
        "LOG_LEVEL": "WARNING",
    }


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


async def _wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = asyncio.get_running_loop().time() + START_TIMEOUT_SECONDS
    async with httpx.AsyncClient() as client:
        while asyncio.get_running_loop().time() < deadline:
            assert process.poll() is None, _tail(log)
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise AssertionError(f"API process not ready: {_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass(frozen=True)
class ApiProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.asynccontextmanager
async def _api_processes(
    settings: Settings, tmp_path: Path, count: int
) -> AsyncIterator[list[ApiProcess]]:
    env = _env(settings, tmp_path / "data")
    ports = [free_port() for _ in range(count)]
    logs = [tmp_path / f"api-{n}.log" for n in range(count)]
    processes = [_start(env, port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        await asyncio.gather(
            *(
                _wait_ready(p, port, log)
                for p, port, log in zip(processes, ports, logs, strict=True)
            )
        )
        yield [
            ApiProcess(f"ws://127.0.0.1:{port}", process, log)
            for port, process, log in zip(ports, processes, logs, strict=True)
        ]
    finally:
        for process in processes:
            _stop(process)


async def test_clients_on_two_processes_see_the_same_events(
    settings: Settings, factory: Factory, app: Any, tmp_path: Path
) -> None:
    owner = await factory.user(Role.EDITOR)
    token = token_of(await factory.headers(owner))
    course = await factory.course(owner)
    await emit(app, course.id, 2)
    async with (
        _api_processes(settings, tmp_path, 2) as (one, two),
        open_client(one.url, token) as first,
        open_client(two.url, token) as second,
    ):
        await first.subscribe(course.id, after_seq=0)
        await second.subscribe(course.id, after_seq=1)
        await emit(app, course.id, 3)  # a worker's events: published once, fanned out twice
        assert [e["seq"] for e in await first.events(5)] == [1, 2, 3, 4, 5]
        assert [e["seq"] for e in await second.events(4)] == [2, 3, 4, 5]

        # A chat message sent through the first process reaches the client on the second.
        await first.send(type="chat.send", course_id=str(course.id), text="Hello", id="c1")
        frames = [await first.recv(), await first.recv()]
        accepted = next(f for f in frames if f["type"] == "chat.accepted")
        [echo] = [f["event"] for f in frames if f["type"] == "event"]
        [relayed] = await second.events(1)
        assert relayed == echo
        assert (relayed["seq"], relayed["type"]) == (6, "chat.message")
        assert relayed["payload"]["message_id"] == accepted["message_id"]
        assert relayed["payload"]["content"] == "Hello"

        # A process shutting down closes its sockets cleanly with a "come back" code.
        _stop(two.process)
        code, _ = await second.closed()
        assert code == SERVICE_RESTART
        assert "Traceback" not in _tail(two.log)
