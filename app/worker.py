"""`courzly worker`: a saq worker running Courzly's jobs (app/core/jobs.py registry).

Jobs heartbeat while they run; a worker that dies (SIGKILL, lost host) stops the heartbeat,
and any live worker's sweep retries its jobs. Housekeeping runs on cron in every worker
(saq runs each cron tick once across workers).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from datetime import timedelta
from typing import Any

from prometheus_client import start_http_server
from redis.exceptions import RedisError
from saq import CronJob, Worker
from saq.types import TimersDict
from sqlalchemy import delete

from app.auth.models import AuthSession
from app.config import Settings
from app.core import metrics, outbox
from app.core.context import job_var, request_id_var
from app.core.db import create_engine, session_factory, utcnow
from app.core.jobs import JOBS, JobContext, JobFunction, JobQueue
from app.core.redis import Keys, create_redis
from app.core.tasks import stop_if_cancelled
from app.integrations import jobs as drive_jobs
from app.notifications import jobs as notification_jobs
from app.notifications import repository as notification_repository
from app.realtime.events import feed_channel
from app.webhooks import jobs as webhook_jobs
from app.webhooks import repository as webhook_repository
from app.worker_health import keep_alive, stop_keeping_alive
from app.workflow import service as workflow_service
from app.workflow.runtime import WorkflowRuntime

log = logging.getLogger("courzly.worker")
JOB_MODULES = (
    "app.workflow.jobs",
    "app.chat.jobs",
    "app.exports.jobs",
    "app.webhooks.jobs",
    "app.notifications.jobs",
    "app.integrations.jobs",
)
EXPIRED_SESSION_GRACE = timedelta(days=7)
LOG_RETENTION = timedelta(days=30)
CONTEXT_KEY = "courzly"
ALIVE_KEY = "courzly_alive"
METRICS_KEY = "courzly_metrics"
DISPATCH_KEY = "courzly_dispatch"
DISPATCH_STOP_KEY = "courzly_dispatch_stop"
OUTBOXES = (webhook_jobs.dispatch_due, notification_jobs.dispatch_due, drive_jobs.dispatch_due)


def load_jobs() -> dict[str, JobFunction]:
    """Import every module that registers jobs; the registry is then complete."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return JOBS


async def _heartbeat(job: Any, every: float) -> None:
    while True:
        stop_if_cancelled()
        await asyncio.sleep(every)
        try:
            await job.update()
        except (RedisError, OSError):
            # One missed beat is not a dead worker: keep beating, or a long job (an upload,
            # a slow receiver) would be swept and run twice.
            log.warning("job heartbeat failed; trying again", extra={"job_id": job.id})


def _saq_function(name: str, func: JobFunction) -> tuple[str, Any]:
    async def run(saq_ctx: dict[str, Any], **kwargs: Any) -> Any:
        context: JobContext = saq_ctx[CONTEXT_KEY]
        job = saq_ctx["job"]
        request_id_var.set(job.meta.get("request_id") or f"job-{job.id}")
        job_var.set(name)
        if job.queued:  # milliseconds since the epoch, set by the queue
            metrics.JOB_WAIT.labels(name).observe(max(time.time() - job.queued / 1000, 0.0))
        beat = asyncio.create_task(_heartbeat(job, context.queue.heartbeat_seconds / 3))
        started, outcome = time.monotonic(), "failed"
        try:
            result = await func(context, **kwargs)
            outcome = "succeeded"
            return result
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            beat.cancel()  # it checks for a swallowed cancel each round (app/core/tasks.py)
            metrics.JOBS.labels(name, outcome).inc()
            metrics.JOB_SECONDS.labels(name).observe(time.monotonic() - started)

    return name, run


async def purge_expired_sessions(saq_ctx: dict[str, Any]) -> None:
    """Sign-ins that ended a week ago only cost space and index time."""
    context: JobContext = saq_ctx[CONTEXT_KEY]
    async with context.sessions() as session:
        result = await session.execute(
            delete(AuthSession).where(AuthSession.expires_at < utcnow() - EXPIRED_SESSION_GRACE)
        )
        await session.commit()
    log.info("purged expired sessions", extra={"count": getattr(result, "rowcount", 0)})


async def purge_integration_logs(saq_ctx: dict[str, Any]) -> None:
    """The webhook delivery log and the sent mail are kept for LOG_RETENTION, then dropped."""
    context: JobContext = saq_ctx[CONTEXT_KEY]
    before = utcnow() - LOG_RETENTION
    async with context.sessions() as session:
        deliveries = await webhook_repository.purge_settled(session, before)
        mail = await notification_repository.purge_settled(session, before)
        await session.commit()
    log.info("purged integration logs", extra={"deliveries": deliveries, "mail": mail})


async def catch_up_runs(saq_ctx: dict[str, Any]) -> None:
    """Re-queue runs whose job was lost between a commit and its enqueue (see
    app/core/after_commit.py); a duplicate job for a run is harmless."""
    context: JobContext = saq_ctx[CONTEXT_KEY]
    await workflow_service.catch_up(context)


def build_worker(
    settings: Settings, *, concurrency: int | None = None, grace_seconds: int = 10
) -> Worker[Any]:
    """`grace_seconds`: how long a stopping worker lets running jobs finish before it cancels
    them (a cancelled job is retried by another worker)."""
    assert settings.database_url is not None
    assert settings.redis_url is not None
    queue = JobQueue(settings)
    functions = [_saq_function(name, func) for name, func in load_jobs().items()]

    async def startup(saq_ctx: dict[str, Any]) -> None:
        assert settings.database_url is not None
        assert settings.redis_url is not None
        url = settings.database_url.get_secret_value()
        engine = create_engine(url, pool_size=max(4, settings.worker_concurrency + 2))
        runtime = WorkflowRuntime(url, pool_size=max(2, settings.worker_concurrency))
        await runtime.open()
        redis = create_redis(settings.redis_url.get_secret_value())
        saq_ctx[CONTEXT_KEY] = JobContext(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            redis=redis,
            keys=Keys(settings.redis_key_prefix),
            queue=queue,
            runtime=runtime,
        )
        if settings.worker_metrics_port:
            # A thread of its own: scrapes never wait on the job loop, nor it on them.
            saq_ctx[METRICS_KEY] = start_http_server(
                settings.worker_metrics_port,
                addr=settings.worker_metrics_host,
                registry=metrics.REGISTRY,
            )[0]
        # Outboxes in PostgreSQL, turned into keyed jobs as their messages fall due.
        stop = saq_ctx[DISPATCH_STOP_KEY] = asyncio.Event()
        saq_ctx[DISPATCH_KEY] = asyncio.create_task(
            outbox.dispatch_forever(
                saq_ctx[CONTEXT_KEY], OUTBOXES, feed_channel(saq_ctx[CONTEXT_KEY].keys), stop
            ),
            name="outbox-dispatch",
        )
        alive = keep_alive(settings.worker_health_file, redis)
        saq_ctx[ALIVE_KEY] = asyncio.create_task(alive, name="worker-alive")
        log.info("worker started", extra={"jobs": sorted(JOBS)})

    async def shutdown(saq_ctx: dict[str, Any]) -> None:
        server = saq_ctx.get(METRICS_KEY)
        if server is not None:
            await asyncio.to_thread(server.shutdown)  # waits out its poll: not in the loop
            server.server_close()
        dispatch: asyncio.Task[None] | None = saq_ctx.get(DISPATCH_KEY)
        if dispatch is not None:
            await outbox.stop_dispatching(dispatch, saq_ctx[DISPATCH_STOP_KEY])
        alive: asyncio.Task[None] | None = saq_ctx.get(ALIVE_KEY)
        if alive is not None:
            await stop_keeping_alive(alive, settings.worker_health_file)
        context: JobContext | None = saq_ctx.get(CONTEXT_KEY)
        if context is not None:
            await context.runtime.close()
            await context.redis.aclose()
            await context.engine.dispose()
        await queue.close()
        log.info("worker stopped")

    # saq's sweep takes stuck jobs (heartbeat missed) back; often enough to notice a dead
    # worker within about one heartbeat period.
    sweep_every = max(1, settings.worker_heartbeat_seconds // 2)
    timers: TimersDict = {"schedule": 1, "worker_info": 10, "sweep": sweep_every, "abort": 1}
    return Worker(
        queue.saq,
        functions=functions,
        concurrency=concurrency or settings.worker_concurrency,
        cron_jobs=[
            CronJob(purge_expired_sessions, cron="17 * * * *"),
            CronJob(catch_up_runs, cron="* * * * *"),
            CronJob(purge_integration_logs, cron="41 3 * * *"),
        ],
        startup=startup,
        shutdown=shutdown,
        timers=timers,
        shutdown_grace_period_s=grace_seconds,
    )


async def serve(settings: Settings, grace_seconds: int = 10) -> None:
    await build_worker(settings, grace_seconds=grace_seconds).start()
