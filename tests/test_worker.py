"""The saq worker: runs registered jobs from the queue, retries failures, keeps house."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app import worker
from app.auth.models import AuthSession
from app.core.context import request_id_var
from app.core.db import utcnow
from app.core.jobs import JOBS, JobContext, job
from app.core.logging import JsonFormatter
from app.core.permissions import Role
from app.notifications.models import Notification, NotificationStatus
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from app.workflow.models import RunStatus, WorkflowRun
from tests.factories import Factory
from tests.webhooks.support import endpoint
from tests.workers import running_worker


def _context(app: Any) -> JobContext:
    state = app.state
    return JobContext(
        settings=state.settings,
        engine=state.engine,
        sessions=state.sessions,
        redis=state.redis,
        keys=state.keys,
        queue=state.jobs,
    )


async def _sessions(factory: Factory) -> int:
    async with factory.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuthSession)) or 0)


async def _add_session(factory: Factory, user_id: uuid.UUID, expires_in: timedelta) -> None:
    async with factory.sessions() as session:
        session.add(AuthSession(user_id=user_id, expires_at=utcnow() + expires_in))
        await session.commit()


async def test_housekeeping_purges_long_expired_sign_ins(factory: Factory, app: Any) -> None:
    user = await factory.user(Role.VIEWER)
    await _add_session(factory, user.id, timedelta(days=-30))  # long gone
    await _add_session(factory, user.id, timedelta(days=-1))  # kept a week for the record
    await _add_session(factory, user.id, timedelta(days=1))  # live
    await worker.purge_expired_sessions({worker.CONTEXT_KEY: _context(app)})
    assert await _sessions(factory) == 2


async def test_housekeeping_drops_month_old_delivery_logs_and_mail(
    factory: Factory, app: Any
) -> None:
    admin = await factory.user(Role.ADMIN)
    hook, _ = await endpoint(app, admin, "http://127.0.0.1:9/in", [WebhookEvent.RUN_FAILED])
    long_ago, lately = utcnow() - timedelta(days=31), utcnow() - timedelta(days=29)
    async with factory.sessions() as session:
        for finished, status in (
            (long_ago, DeliveryStatus.SUCCEEDED),  # dropped
            (long_ago, DeliveryStatus.FAILED),  # dropped
            (lately, DeliveryStatus.SUCCEEDED),  # kept: within the month
            (None, DeliveryStatus.PENDING),  # kept: still to send
        ):
            session.add(
                WebhookDelivery(
                    endpoint_id=hook.id,
                    message_id="msg_x",
                    event="run.failed",
                    payload={},
                    status=status,
                    finished_at=finished,
                    created_at=long_ago,
                )
            )
        session.add(
            Notification(
                user_id=admin.id,
                kind="run_failed",
                context={},
                status=NotificationStatus.SENT,
                created_at=long_ago,
            )
        )
        session.add(
            Notification(user_id=admin.id, kind="run_failed", context={}, created_at=long_ago)
        )
        await session.commit()
    await worker.purge_integration_logs({worker.CONTEXT_KEY: _context(app)})
    async with factory.sessions() as session:
        kept = list(await session.scalars(select(WebhookDelivery.status)))
        mail = list(await session.scalars(select(Notification.status)))
    assert sorted(kept) == [DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED]
    assert mail == [NotificationStatus.PENDING]


@pytest.fixture
def calls() -> Any:
    """A job that fails on its first attempt, registered for one test."""
    seen: list[dict[str, Any]] = []
    done = asyncio.Event()

    @job("test.flaky")
    async def flaky(ctx: JobContext, *, n: int) -> None:
        assert isinstance(ctx, JobContext)
        seen.append({"n": n})
        if len(seen) == 1:
            raise RuntimeError("first attempt fails")
        done.set()

    yield seen, done
    del JOBS["test.flaky"]


async def test_a_queued_job_runs_and_a_failure_is_retried(app: Any, calls: Any) -> None:
    seen, done = calls
    settings = app.state.settings
    async with running_worker(settings):
        await app.state.jobs.enqueue("test.flaky", n=7)
        await asyncio.wait_for(done.wait(), timeout=15)
    assert seen == [{"n": 7}, {"n": 7}]


async def test_a_job_logs_under_the_request_id_that_queued_it(app: Any) -> None:
    lines: list[dict[str, Any]] = []
    done = asyncio.Event()

    @job("test.logs")
    async def logs(ctx: JobContext) -> None:
        record = logging.LogRecord("courzly.test", logging.INFO, __file__, 0, "hi", None, None)
        lines.append(json.loads(JsonFormatter().format(record)))
        done.set()

    token = request_id_var.set("req-from-nginx-42")
    try:
        async with running_worker(app.state.settings):
            await app.state.jobs.enqueue("test.logs")
            request_id_var.set(None)  # the worker must not read it from here
            await asyncio.wait_for(done.wait(), timeout=15)
    finally:
        request_id_var.reset(token)
        del JOBS["test.logs"]
    assert lines[0]["request_id"] == "req-from-nginx-42"
    assert lines[0]["job"] == "test.logs"


async def test_catch_up_queues_runs_that_lost_their_job(factory: Factory, app: Any) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    run_id = uuid.uuid4()
    async with factory.sessions() as session:
        session.add(
            WorkflowRun(
                id=run_id, course_id=course.id, thread_id=str(run_id), status=RunStatus.QUEUED
            )
        )
        await session.flush()
        await session.execute(
            update(WorkflowRun)
            .where(WorkflowRun.id == run_id)
            .values(updated_at=utcnow() - timedelta(minutes=5))
        )
        await session.commit()
    await worker.catch_up_runs({worker.CONTEXT_KEY: _context(app)})
    queued = await app.state.jobs.saq.job(f"advance:{run_id}:catch-up")
    assert queued is not None
    assert queued.kwargs == {"run_id": str(run_id)}
