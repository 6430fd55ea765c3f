"""Publishing the benchmark's events: through the app's real path (`emit`: append to the
log, commit, publish) and, as a baseline, straight to Redis with one plain subscriber.

Every event carries its send time, time.monotonic() of this process, in its payload. On
Linux that is CLOCK_MONOTONIC, one clock for every process of the machine and never
stepped, so the client processes subtract it from their own readings as they are.
"""

from __future__ import annotations

import asyncio
import gc
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.redis import Keys
from app.realtime.events import EventType, emit
from bench.serving import BenchError

CONFIRM_TIMEOUT_SECONDS = 5.0


async def paced(count: int, rate: float, send: Callable[[int], Awaitable[None]]) -> None:
    """Send on a fixed schedule (open loop): a slow send delays the next, never the rate.
    No garbage collection meanwhile: a pause here, between stamping an event and sending
    it, would be counted as the server's delivery time."""
    gc.collect()
    gc.disable()
    try:
        start = time.monotonic()
        for index in range(count):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await send(index)
    finally:
        gc.enable()


def _payload(index: int) -> dict[str, Any]:
    return {"phase": "bench", "index": index, "sent_at": time.monotonic()}


async def emit_events(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    keys: Keys,
    course_id: uuid.UUID,
    count: int,
    rate: float,
) -> list[float]:
    """Emit `count` events on the course the clients follow; returns each emit's duration
    in ms (its append and commit are part of every delivery's latency)."""
    durations: list[float] = []

    async def send(index: int) -> None:
        payload = _payload(index)
        await emit(sessions, redis, keys, course_id, None, EventType.PHASE_CHANGED, payload)
        durations.append((time.monotonic() - payload["sent_at"]) * 1000)

    await paced(count, rate, send)
    return durations


async def redis_baseline(redis: Redis, keys: Keys, count: int, rate: float) -> list[float]:
    """The same number of messages, of the same shape, published straight to a channel no
    API process follows and read by one redis-py subscriber here: latencies in ms."""
    name = keys("bench-ws", "baseline")
    pubsub = redis.pubsub()
    latencies: list[float] = []
    try:
        await pubsub.subscribe(name)
        confirmed = await pubsub.get_message(timeout=CONFIRM_TIMEOUT_SECONDS)
        if confirmed is None or confirmed["type"] != "subscribe":
            raise BenchError(f"Redis did not confirm the baseline subscription: {confirmed!r}")

        async def receive() -> None:
            while len(latencies) < count:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None:
                    sent_at = orjson.loads(message["data"])["payload"]["sent_at"]
                    latencies.append((time.monotonic() - sent_at) * 1000)

        async def send(index: int) -> None:
            message = {
                "seq": index + 1,
                "course_id": str(uuid.UUID(int=0)),
                "run_id": None,
                "type": EventType.PHASE_CHANGED.value,
                "payload": _payload(index),
                "created_at": datetime.now(UTC).isoformat(),
            }
            await redis.publish(name, orjson.dumps(message))

        reader = asyncio.create_task(receive())
        await paced(count, rate, send)
        try:
            await asyncio.wait_for(reader, CONFIRM_TIMEOUT_SECONDS)
        except TimeoutError:
            raise BenchError(f"the baseline subscriber got {len(latencies)}/{count}") from None
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    return latencies
