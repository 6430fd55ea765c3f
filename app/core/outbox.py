"""Outboxes in PostgreSQL (webhook messages, mail, Drive syncs) become keyed jobs as their
entries fall due. Each worker runs this loop; the job keys keep one job per entry (or per
webhook endpoint) however many workers find it due at once.

A round runs every EVERY_SECONDS (retries fall due with time), and at once when the
course feed says an event happened: every event that queues a message or a mail is a feed
event, published after its commit, so the wait between commit and send is short."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from app.core.jobs import JobContext
from app.core.tasks import cancel_and_wait, stop_if_cancelled

log = logging.getLogger("courzly.outbox")


@dataclass(frozen=True)
class Dispatched:
    """A round's work: jobs queued, and due entries whose job was already queued or running
    (one running may have looked at its queue just before the entry was committed)."""

    queued: int
    busy: int = 0


Dispatch = Callable[[JobContext], Awaitable[Dispatched]]
EVERY_SECONDS = 2.0
SOON_SECONDS = 0.25


async def _round(ctx: JobContext, rounds: Sequence[Dispatch]) -> int:
    busy = 0
    for dispatch in rounds:
        try:
            busy += (await dispatch(ctx)).busy
        except Exception:  # the database or Redis away: tried again next round
            log.exception("outbox dispatch failed", extra={"round": dispatch.__qualname__})
    return busy


async def _woken(pubsub: PubSub | None, stop: asyncio.Event, period: float) -> None:
    """Return on a feed notice (the ones that came meanwhile coalesce), on `stop`, or after
    `period`."""
    stopped = asyncio.ensure_future(stop.wait())
    waits: set[asyncio.Future[Any]] = {stopped}
    if pubsub is not None:
        waits.add(
            asyncio.ensure_future(
                pubsub.get_message(ignore_subscribe_messages=True, timeout=period)
            )
        )
    try:
        await asyncio.wait(waits, timeout=period, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
        await asyncio.gather(*waits, return_exceptions=True)
    if pubsub is not None and not stop.is_set():
        while await pubsub.get_message(ignore_subscribe_messages=True, timeout=0) is not None:
            pass


async def _subscribe(ctx: JobContext, channel: str) -> PubSub | None:
    try:
        pubsub = ctx.redis.pubsub()
        await pubsub.subscribe(channel)
        return pubsub
    except (RedisError, OSError):
        return None  # polling alone until Redis is back


async def dispatch_forever(
    ctx: JobContext, rounds: Sequence[Dispatch], wake_channel: str, stop: asyncio.Event
) -> None:
    """Until `stop` is set (checked at least every EVERY_SECONDS). A stop flag, not only a
    cancel: a cancel landing as a read's own timeout fires can be taken for that timeout."""
    pubsub = await _subscribe(ctx, wake_channel)
    try:
        looked_again = False
        while not stop.is_set():
            busy = await _round(ctx, rounds)
            stop_if_cancelled()
            # A job that was running may have missed what was just committed: look again
            # soon, once (a long job must not make the loop spin).
            soon = busy > 0 and not looked_again
            looked_again = soon
            try:
                await _woken(pubsub, stop, SOON_SECONDS if soon else EVERY_SECONDS)
            except (RedisError, OSError):
                log.warning("outbox lost its wake-up channel; polling until Redis is back")
                await asyncio.sleep(EVERY_SECONDS)
                pubsub = await _subscribe(ctx, wake_channel)
    finally:
        if pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]


async def stop_dispatching(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Ask the loop to end, and cancel it if it has not within a round's time."""
    stop.set()
    await asyncio.wait({task}, timeout=EVERY_SECONDS + 1)
    await cancel_and_wait(task)
