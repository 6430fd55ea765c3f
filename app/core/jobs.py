"""Background jobs on saq (Redis): the registry, the worker's context, and enqueueing.

saq because it is asyncio-native like the rest of the stack, keeps jobs in Redis (which we
already run), and recovers jobs whose worker died: a job that stops sending heartbeats is
swept and retried by another worker (see docs/architecture.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from saq import Queue
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.core.context import request_id_var
from app.core.redis import Keys


@dataclass
class JobContext:
    """What every job gets: the same resources the API has, opened once per worker."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    keys: Keys
    queue: JobQueue
    # Set by the worker: the LangGraph graph, writer and checkpointer (app/workflow/runtime.py).
    runtime: Any = None


JobFunction = Callable[..., Awaitable[Any]]
JOBS: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job function `async def f(ctx: JobContext, **kwargs)` under `name`."""

    def register(func: JobFunction) -> JobFunction:
        JOBS[name] = func
        return func

    return register


class JobQueue:
    """The saq queue under this installation's key prefix, with Courzly's retry policy."""

    def __init__(self, settings: Settings) -> None:
        assert settings.redis_url is not None
        # RedisQueue.from_url, not Queue.from_url: the latter refuses unix:// sockets, which
        # the embedded Redis of `courzly run` uses.
        self.saq: Queue = RedisQueue.from_url(
            settings.redis_url.get_secret_value(), name=f"{settings.redis_key_prefix}jobs"
        )
        self.heartbeat_seconds = settings.worker_heartbeat_seconds

    async def enqueue(
        self, name: str, *, key: str | None = None, job_timeout: int = 3600, **kwargs: Any
    ) -> bool:
        """Queue a job; with `key`, a job already queued or running under that key is not
        doubled (False says so). Retries back off exponentially; a job whose worker stops
        sending heartbeats (killed, host lost) is swept and retried by another worker."""
        options: dict[str, Any] = {
            "timeout": job_timeout,
            "retries": 5,
            "retry_delay": 1.0,
            "retry_backoff": 60.0,
            "heartbeat": self.heartbeat_seconds,
            # The job's log lines carry the id of the request that queued it (or of the job
            # that did), so one id follows the work from nginx to the worker.
            "meta": {"request_id": request_id_var.get()},
        }
        if key is not None:
            options["key"] = key
        return await self.saq.enqueue(name, **options, **kwargs) is not None

    async def close(self) -> None:
        # Shutting down while Redis is unreachable must still shut down cleanly.
        with contextlib.suppress(RedisError, OSError):
            await self.saq.disconnect()
