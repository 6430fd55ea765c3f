"""Job workers for tests: in-process (same event loop) or as real `courzly worker` processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from app.config import Settings
from app.worker import build_worker

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def running_worker(settings: Settings, concurrency: int = 8) -> AsyncIterator[None]:
    """A saq worker in this event loop, stopped on the way out."""
    # No grace: idle upkeep loops would hold the stop for up to ten seconds.
    worker = build_worker(settings, concurrency=concurrency, grace_seconds=0)
    worker.SIGNALS = []  # the test runner owns SIGINT/SIGTERM
    task = asyncio.create_task(worker.start())
    try:
        yield
    finally:
        await worker.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that gives a subprocess these settings."""
    env = {**os.environ, **extra}
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None or field.alias is None:
            continue
        raw = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        env[field.alias] = str(raw.value if hasattr(raw, "value") else raw)
    return env


@contextmanager
def worker_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`courzly worker` as a real process; killed by its PID on the way out."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
