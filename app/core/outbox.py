"""Outboxes in PostgreSQL (webhook messages, mail, Drive syncs) become keyed jobs as their
entries fall due. Each worker runs this loop; the job keys keep one job per entry (or per
webhook endpoint) however many workers find it due at once.

A round runs every EVERY_SECONDS (retries fall due with time), and at once when the
course feed says an event happened: every event that queues a message or a mail is a feed
event, published after its commit, so the wait between commit and send is short."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from app.core.jobs import JobContext

log = logging.getLogger("courzly.outbox")
Dispatch = Callable[[JobContext], Awaitable[int]]
EVERY_SECONDS = 2.0


async def _round(ctx: JobContext, rounds: Sequence[Dispatch]) -> None:
    for dispatch in rounds:
        try:
            await dispatch(ctx)
        except Exception:  # the database or Redis away: tried again next round
            log.exception("outbox dispatch failed", extra={"round": dispatch.__qualname__})


async def _woken(pubsub: PubSub | None) -> None:
    """Return on a feed notice (the ones that came meanwhile coalesce) or after the period."""
    if pubsub is None:
        await asyncio.sleep(EVERY_SECONDS)
        return
    notice = await pubsub.get_message(ignore_subscribe_messages=True, timeout=EVERY_SECONDS)
    while notice is not None:
        notice = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)


async def _subscribe(ctx: JobContext, channel: str) -> PubSub | None:
    try:
        pubsub = ctx.redis.pubsub()
        await pubsub.subscribe(channel)
        return pubsub
    except (RedisError, OSError):
        return None  # polling alone until Redis is back


async def dispatch_forever(ctx: JobContext, rounds: Sequence[Dispatch], wake_channel: str) -> None:
    pubsub = await _subscribe(ctx, wake_channel)
    try:
        while True:
            await _round(ctx, rounds)
            try:
                await _woken(pubsub)
            except (RedisError, OSError):
                log.warning("outbox lost its wake-up channel; polling until Redis is back")
                await asyncio.sleep(EVERY_SECONDS)
                pubsub = await _subscribe(ctx, wake_channel)
    finally:
        if pubsub is not None:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
