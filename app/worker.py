"""Job-queue worker: takes jobs from a Redis list and runs the registered handler.

Jobs are JSON objects {"type": ..., "payload": {...}}. Later features register handlers
(workflow steps, exports, webhooks); housekeeping runs on a timer in every worker.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import orjson
from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.models import AuthSession
from app.config import Settings
from app.core.db import create_engine, session_factory, utcnow
from app.core.redis import Keys, create_redis

log = logging.getLogger("courzly.worker")
Handler = Callable[[AsyncSession, dict[str, Any]], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
HOUSEKEEPING_EVERY_SECONDS = 3600
EXPIRED_SESSION_GRACE = timedelta(days=7)


def handler(job_type: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[job_type] = func
        return func

    return register


async def enqueue(redis: Redis, keys: Keys, job_type: str, payload: dict[str, Any]) -> None:
    await redis.rpush(keys("jobs"), orjson.dumps({"type": job_type, "payload": payload}))


@handler("housekeeping")
async def purge_expired_sessions(session: AsyncSession, _: dict[str, Any]) -> None:
    """Sign-ins that ended a week ago only cost space and index time."""
    result = await session.execute(
        delete(AuthSession).where(AuthSession.expires_at < utcnow() - EXPIRED_SESSION_GRACE)
    )
    log.info("purged expired sessions", extra={"count": getattr(result, "rowcount", 0)})


async def run_job(sessions: async_sessionmaker[AsyncSession], raw: str) -> None:
    try:
        job = orjson.loads(raw)
        func = HANDLERS[job["type"]]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        log.error("dropped malformed job", extra={"job": raw[:200]})
        return
    async with sessions() as session:
        try:
            await func(session, job.get("payload") or {})
            await session.commit()
        except Exception:
            await session.rollback()
            log.exception("job failed", extra={"job_type": job["type"]})


async def serve(settings: Settings) -> None:
    assert settings.database_url is not None
    assert settings.redis_url is not None
    engine = create_engine(settings.database_url.get_secret_value(), pool_size=2)
    sessions = session_factory(engine)
    redis = create_redis(settings.redis_url.get_secret_value())
    keys = Keys(settings.redis_key_prefix)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    next_housekeeping = loop.time()
    log.info("worker started", extra={"handlers": sorted(HANDLERS)})
    try:
        while not stopping.is_set():
            if loop.time() >= next_housekeeping:
                await run_job(sessions, orjson.dumps({"type": "housekeeping"}).decode())
                next_housekeeping = loop.time() + HOUSEKEEPING_EVERY_SECONDS
            item = await redis.blpop([keys("jobs")], timeout=1)
            if item is not None:
                await run_job(sessions, str(item[1]))
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await redis.aclose()
        await engine.dispose()
        log.info("worker stopped")
