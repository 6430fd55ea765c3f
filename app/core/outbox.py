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
from typing import Any

from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from app.core.jobs import JobContext
from app.core.tasks import cancel_and_wait, stop_if_cancelled

log = logging.getLogger("courzly.outbox")
Dispatch = Callable[[JobContext], Awaitable[int]]
EVERY_SECONDS = 2.0


async def _round(ctx: JobContext, rounds: Sequence[Dispatch]) -> None:
    for dispatch in rounds:
        try:
            await dispatch(ctx)
        except Exception:  # the database or Redis away: tried again next round
            log.exception("outbox dispatch failed", extra={"round": dispatch.__qualname__})


async def _woken(pubsub: PubSub | None, stop: asyncio.Event) -> None:
    """Return on a feed notice (the ones that came meanwhile coalesce), on `stop`, or after
    the period."""
    stopped = asyncio.ensure_future(stop.wait())
    waits: set[asyncio.Future[Any]] = {stopped}
    if pubsub is not None:
        waits.add(
            asyncio.ensure_future(
                pubsub.get_message(ignore_subscribe_messages=True, timeout=EVERY_SECONDS)
            )
        )
    try:
        await asyncio.wait(waits, timeout=EVERY_SECONDS, return_when=asyncio.FIRST_COMPLETED)
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
        while not stop.is_set():
            await _round(ctx, rounds)
            stop_if_cancelled()
            try:
                await _woken(pubsub, stop)
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
