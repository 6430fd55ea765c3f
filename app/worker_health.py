"""Worker liveness for container healthchecks: the worker touches a file every few seconds,
from its own event loop and only after Redis answered, so a hung loop or a lost Redis shows
as a stale file; `courzly worker-health` checks its age."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from redis.asyncio import Redis

from app.core.tasks import cancel_and_wait, stop_if_cancelled

log = logging.getLogger("courzly.worker")
TOUCH_EVERY_SECONDS = 10.0
STALE_AFTER_SECONDS = 45.0  # three missed touches and a margin


async def keep_alive(path: Path, redis: Redis, every: float = TOUCH_EVERY_SECONDS) -> None:
    """Touch `path` after each successful Redis ping, until cancelled."""
    while True:
        try:
            await redis.ping()
            _touch(path)
        except Exception as exc:  # Redis down or the file unwritable: it goes stale, as it should
            log.warning("worker liveness not refreshed", extra={"reason": repr(exc)})
        stop_if_cancelled()
        await asyncio.sleep(every)


def _touch(path: Path) -> None:
    # In the loop itself, not a thread: a thread outlives the task's cancellation and could
    # recreate the file after shutdown removed it. A touch on tmpfs takes microseconds.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


async def stop_keeping_alive(task: asyncio.Task[None], path: Path) -> None:
    await cancel_and_wait(task)
    path.unlink(missing_ok=True)  # noqa: ASYNC240 - a stopped worker is not alive


def age_seconds(path: Path, now: float | None = None) -> float | None:
    """How long ago the worker last proved alive; None when it never did."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - touched
