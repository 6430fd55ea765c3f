"""Who has a course open, and doing what: one entry per socket in a Redis hash per course.

Entries expire (a socket refreshes its own), so the sockets of an API process that died
fade out on their own. Every change is published on the course's channel as a `presence`
message, not an event: there is nothing to replay, only the list as it is now.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson
from redis.asyncio import Redis

from app.core.redis import Keys
from app.realtime.events import channel

TTL_SECONDS = 60  # clients refresh about every 25 s
PRESENCE = "presence"  # the key of a presence message on the course channel


def _key(keys: Keys, course_id: uuid.UUID) -> str:
    return keys("presence", str(course_id))


async def update(
    redis: Redis, keys: Keys, course_id: uuid.UUID, socket_id: str, entry: dict[str, Any]
) -> None:
    key = _key(keys, course_id)
    stored = {**entry, "expires": time.time() + TTL_SECONDS}
    await redis.hset(key, socket_id, orjson.dumps(stored))
    await redis.expire(key, TTL_SECONDS * 2)
    await announce(redis, keys, course_id)


async def remove(redis: Redis, keys: Keys, course_id: uuid.UUID, socket_id: str) -> None:
    if await redis.hdel(_key(keys, course_id), socket_id):
        await announce(redis, keys, course_id)


async def people(redis: Redis, keys: Keys, course_id: uuid.UUID) -> list[dict[str, Any]]:
    """Everyone present now, one entry per user (their most active socket), by name."""
    key = _key(keys, course_id)
    stored = await redis.hgetall(key)
    now = time.time()
    expired: list[bytes | str] = []
    by_user: dict[str, dict[str, Any]] = {}
    for field, raw in stored.items():
        entry = orjson.loads(raw)
        if entry.get("expires", 0) < now:
            expired.append(field)
            continue
        entry.pop("expires", None)
        known = by_user.get(entry["user_id"])
        if known is None or (entry["state"] == "editing" and known["state"] != "editing"):
            by_user[entry["user_id"]] = entry
    if expired:
        await redis.hdel(key, *expired)
    return sorted(by_user.values(), key=lambda e: (e["display_name"].lower(), e["user_id"]))


async def announce(redis: Redis, keys: Keys, course_id: uuid.UUID) -> None:
    listed = await people(redis, keys, course_id)
    message = {PRESENCE: {"course_id": str(course_id), "people": listed}}
    await redis.publish(channel(keys, course_id), orjson.dumps(message))
