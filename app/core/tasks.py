"""Long-lived loops (liveness, outbox dispatch, heartbeats) must stop when cancelled.

A cancellation can be swallowed on its way: one that lands as a client's own read timeout
fires may be taken for that timeout (redis-py then just returns), or be reported as an
error the loop logs and survives. The task is left "cancelling" and runs on, and whoever
awaits its end waits for ever. So these loops check `stop_if_cancelled()` each round, and
their owners stop them with `cancel_and_wait`, which cancels again until the task ends."""

from __future__ import annotations

import asyncio
import contextlib

RECANCEL_SECONDS = 1.0


def stop_if_cancelled() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def cancel_and_wait(task: asyncio.Task[None]) -> None:
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=RECANCEL_SECONDS)
    with contextlib.suppress(asyncio.CancelledError):
        await task
