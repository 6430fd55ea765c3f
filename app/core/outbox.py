"""Outboxes in PostgreSQL (webhook messages, mail) become keyed jobs as their entries fall
due. Each worker runs this loop; the job keys keep one job per entry (or per webhook
endpoint) however many workers find it due at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from app.core.jobs import JobContext

log = logging.getLogger("courzly.outbox")
Dispatch = Callable[[JobContext], Awaitable[int]]
EVERY_SECONDS = 2.0


async def dispatch_forever(ctx: JobContext, rounds: Sequence[Dispatch]) -> None:
    """A failed round (database or Redis away) is logged, and tried again next time."""
    while True:
        for dispatch in rounds:
            try:
                await dispatch(ctx)
            except Exception:
                log.exception(
                    "outbox dispatch failed; trying again", extra={"round": dispatch.__qualname__}
                )
        await asyncio.sleep(EVERY_SECONDS)
