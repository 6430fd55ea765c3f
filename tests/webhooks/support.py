"""Shared steps of the webhook tests: endpoints made through the service, events appended
as the workflow appends them, and the delivery job run in this event loop."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app.core.jobs import JobContext
from app.courses.models import Course
from app.realtime import events
from app.realtime.events import EventType
from app.users.models import User
from app.webhooks import jobs, service
from app.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.webhooks.schemas import EndpointCreate


async def endpoint(
    app: Any,
    admin: User,
    url: str,
    subscribed: list[WebhookEvent],
    course: Course | None = None,
) -> tuple[WebhookEndpoint, str]:
    async with app.state.sessions() as session:
        scope = service.Scope(course.id if course else None, admin)
        body = EndpointCreate(url=url, events=subscribed)
        created, secret = await service.create_endpoint(session, app.state.settings, scope, body)
        await session.commit()
    return created, secret


async def happen(
    app: Any,
    course: Course,
    event_type: EventType,
    payload: dict[str, Any] | None = None,
    run_id: uuid.UUID | None = None,
) -> None:
    async with app.state.sessions() as session:
        await events.append(session, course.id, run_id, event_type, payload)
        await session.commit()


async def deliveries(app: Any, endpoint_id: uuid.UUID) -> list[WebhookDelivery]:
    async with app.state.sessions() as session:
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.seq)
        )
        return list(await session.scalars(query))


async def deliver_due(ctx: JobContext) -> None:
    """What the worker's dispatcher and jobs do, run to the end in this event loop."""
    async with ctx.sessions() as session:
        due = await jobs.repository.due_endpoints(session, jobs.utcnow(), 100)
    for endpoint_id in due:
        await jobs.deliver_queue(ctx, endpoint_id=str(endpoint_id))
