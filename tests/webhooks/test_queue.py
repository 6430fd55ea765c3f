"""The webhook outbox end to end: events become signed messages for the endpoints that
subscribed to them, sent in order per endpoint, retried, logged, switched off after a day
of failures (with mail to the owner), and redelivered on request."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from app.core.db import utcnow
from app.core.permissions import Role
from app.notifications.models import Notification
from app.realtime.events import EventType
from app.webhooks import schedule
from app.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tests.chat.support import job_context
from tests.factories import Factory
from tests.webhooks.receiver import receiving
from tests.webhooks.support import deliver_due, deliveries, endpoint, happen
from tests.workers import running_worker

ALL = list(WebhookEvent)


async def test_events_become_messages_for_subscribed_endpoints_only(
    app: Any, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    course, other = await factory.course(admin), await factory.course(admin, "Other")
    everything, _ = await endpoint(app, admin, "http://127.0.0.1:9/a", ALL)
    failures, _ = await endpoint(app, admin, "http://127.0.0.1:9/b", [WebhookEvent.RUN_FAILED])
    on_other, _ = await endpoint(app, admin, "http://127.0.0.1:9/c", ALL, course=other)
    on_course, _ = await endpoint(app, admin, "http://127.0.0.1:9/d", ALL, course=course)

    await happen(app, course, EventType.RUN_STARTED, {"offline": True})
    await happen(app, course, EventType.LESSON_TOKENS, {"text": "not for receivers"})
    await happen(app, course, EventType.RUN_SUCCEEDED, {"approved": False})  # not approved
    await happen(app, course, EventType.RUN_FAILED, {"error": "model down"})
    await happen(app, course, EventType.RUN_SUCCEEDED, {"approved": True})

    sent = [d.event for d in await deliveries(app, everything.id)]
    assert sent == ["run.started", "run.failed", "course.approved"]
    assert [d.event for d in await deliveries(app, failures.id)] == ["run.failed"]
    assert await deliveries(app, on_other.id) == []
    assert [d.event for d in await deliveries(app, on_course.id)] == sent
    first = (await deliveries(app, everything.id))[0]
    assert first.payload["type"] == "run.started"
    assert first.payload["data"]["course"] == {
        "id": str(course.id),
        "title": course.title,
        "slug": course.slug,
    }
    assert first.payload["data"]["offline"] is True
    # One message, one id: every endpoint that gets it sees the same webhook-id.
    assert first.message_id == (await deliveries(app, on_course.id))[0].message_id


async def test_messages_arrive_signed_in_order_and_are_logged(app: Any, factory: Factory) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin)
    with receiving() as receiver:
        hook, secret = await endpoint(app, admin, receiver.url, ALL)
        receiver.secrets.append(secret)
        await happen(app, course, EventType.RUN_STARTED)
        await happen(app, course, EventType.RUN_FAILED, {"error": "timeout"})
        export = {"export_id": str(uuid.uuid4()), "format": "pdf"}
        await happen(app, course, EventType.EXPORT_READY, export)
        await deliver_due(job_context(app))
        assert receiver.types() == ["run.started", "run.failed", "export.ready"]

    rows = await deliveries(app, hook.id)
    assert [r.status for r in rows] == [DeliveryStatus.SUCCEEDED] * 3
    assert receiver.ids() == [r.message_id for r in rows]
    async with app.state.sessions() as session:
        attempts = list(await session.scalars(select(WebhookAttempt)))
    assert len(attempts) == 3
    assert all(a.succeeded and a.status_code == 200 and a.latency_ms >= 0 for a in attempts)
    assert attempts[0].response_excerpt == '{"ok": true}'


async def test_a_failing_message_holds_the_ones_behind_it(app: Any, factory: Factory) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin)
    ctx = job_context(app)
    with receiving() as receiver:
        hook, secret = await endpoint(app, admin, receiver.url, ALL)
        receiver.secrets.append(secret)
        receiver.answer(503)
        await happen(app, course, EventType.RUN_STARTED)
        await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
        await deliver_due(ctx)

        first, second = await deliveries(app, hook.id)
        assert first.status is DeliveryStatus.PENDING
        assert first.attempts == 1
        assert first.next_attempt_at > utcnow() + timedelta(seconds=4)  # the 5 s retry
        assert second.attempts == 0  # not sent past the failure
        assert receiver.types() == []
        await deliver_due(ctx)  # not due yet: nothing happens
        assert receiver.types() == []

        await _make_due(app, first.id)
        await deliver_due(ctx)
        assert receiver.types() == ["run.started", "run.failed"]

    async with app.state.sessions() as session:
        endpoint_row = await session.get(WebhookEndpoint, hook.id)
        assert endpoint_row is not None
        assert endpoint_row.failing_since is None
        log = list(await session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)))
    assert [(a.status_code, a.succeeded) for a in log] == [(503, False), (200, True), (200, True)]
    assert log[0].response_excerpt == "receiver says no"


async def test_a_message_gives_up_after_its_last_retry_and_the_next_goes(
    app: Any, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin)
    ctx = job_context(app)
    with receiving() as receiver:
        hook, secret = await endpoint(app, admin, receiver.url, ALL)
        receiver.secrets.append(secret)
        await happen(app, course, EventType.RUN_STARTED)
        await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
        first = (await deliveries(app, hook.id))[0]
        for _ in range(len(schedule.DELAYS) + 1):
            receiver.answer(500)
            await _make_due(app, first.id)
            await deliver_due(ctx)
        assert receiver.types() == ["run.failed"]

    first, second = await deliveries(app, hook.id)
    assert first.status is DeliveryStatus.FAILED
    assert first.attempts == len(schedule.DELAYS) + 1
    assert second.status is DeliveryStatus.SUCCEEDED


async def test_a_day_of_failures_switches_the_endpoint_off_and_mails_its_owner(
    app: Any, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin)
    ctx = job_context(app)
    hook, _ = await endpoint(app, admin, "http://127.0.0.1:9/down", ALL)
    await happen(app, course, EventType.RUN_STARTED)
    head = (await deliveries(app, hook.id))[0]
    # A day of history: failing since 25 hours ago, 19 failed attempts so far.
    async with app.state.sessions() as session:
        since = utcnow() - timedelta(hours=25)
        await session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.id == hook.id).values(failing_since=since)
        )
        for minutes in range(19):
            session.add(
                WebhookAttempt(
                    delivery_id=head.id,
                    attempted_at=since + timedelta(minutes=minutes),
                    status_code=None,
                    latency_ms=1,
                    error="could not connect",
                    succeeded=False,
                )
            )
        await session.commit()

    await deliver_due(ctx)  # the twentieth failure

    async with app.state.sessions() as session:
        row = await session.get(WebhookEndpoint, hook.id)
        assert row is not None
        assert not row.enabled
        assert "Switched off" in (row.disabled_reason or "")
        assert "could not connect" in (row.disabled_reason or "")
        mails = list(await session.scalars(select(Notification)))
    assert [(m.user_id, m.kind) for m in mails] == [(admin.id, "webhook_disabled")]
    assert mails[0].context["endpoint_url"] == "http://127.0.0.1:9/down"
    assert mails[0].context["failure_count"] == 20

    # Off: no new messages are queued for it, and its queue waits.
    await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
    assert len(await deliveries(app, hook.id)) == 1
    await _make_due(app, head.id)
    async with app.state.sessions() as session:
        assert await ctx_due(session) == []


async def ctx_due(session: Any) -> list[Any]:
    from app.webhooks import repository

    return await repository.due_endpoints(session, utcnow(), 10)


async def test_an_address_that_became_internal_is_refused_at_delivery(
    app: Any, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin)
    hook, _ = await endpoint(app, admin, "http://127.0.0.1:9/x", ALL)
    async with app.state.sessions() as session:  # as if its name now resolved inside
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == hook.id)
            .values(url="http://10.20.30.40/hook")
        )
        await session.commit()
    await happen(app, course, EventType.RUN_STARTED)
    await deliver_due(job_context(app))
    async with app.state.sessions() as session:
        attempt = await session.scalar(select(WebhookAttempt))
    assert attempt is not None
    assert attempt.status_code is None
    assert "inside this network" in (attempt.error or "")


async def test_the_worker_delivers_an_event_within_seconds(app: Any, factory: Factory) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin)
    with receiving() as receiver:
        _, secret = await endpoint(app, admin, receiver.url, [WebhookEvent.EXPORT_READY])
        receiver.secrets.append(secret)
        async with running_worker(app.state.settings):
            export = {"export_id": str(uuid.uuid4()), "format": "pdf"}
            await happen(app, course, EventType.EXPORT_READY, export)
            for _ in range(100):
                if receiver.types():
                    break
                await asyncio.sleep(0.1)
        assert receiver.types() == ["export.ready"]
        assert receiver.messages[0].payload["data"]["format"] == "pdf"


async def _make_due(app: Any, delivery_id: Any) -> None:
    async with app.state.sessions() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
