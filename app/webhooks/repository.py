"""The SQL of webhooks: endpoints, their ordered queues, and the delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, delete, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import PageParams
from app.core.permissions import Role
from app.courses.models import Course
from app.users.models import User
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint


def _scope(course_id: uuid.UUID | None) -> ColumnElement[bool]:
    if course_id is None:
        return WebhookEndpoint.course_id.is_(None)
    return WebhookEndpoint.course_id == course_id


async def list_endpoints(
    session: AsyncSession, course_id: uuid.UUID | None
) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(_scope(course_id)).order_by(WebhookEndpoint.created_at)
    return list(await session.scalars(query))


async def get_endpoint(
    session: AsyncSession,
    course_id: uuid.UUID | None,
    endpoint_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> WebhookEndpoint | None:
    query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, _scope(course_id))
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def subscribed(
    session: AsyncSession, course_id: uuid.UUID, event: str
) -> list[WebhookEndpoint]:
    """Enabled endpoints of the organisation and of this course that want `event`."""
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.enabled.is_(true()),
        or_(WebhookEndpoint.course_id.is_(None), WebhookEndpoint.course_id == course_id),
        WebhookEndpoint.events.contains([event]),
    )
    return list(await session.scalars(query))


async def due_endpoints(session: AsyncSession, now: datetime, limit: int) -> list[uuid.UUID]:
    """Enabled endpoints whose first pending message (in order) is due now. Later
    messages wait behind it, however due they are."""
    heads = (
        select(func.min(WebhookDelivery.seq).label("seq"))
        .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        .group_by(WebhookDelivery.endpoint_id)
        .subquery()
    )
    query = (
        select(WebhookDelivery.endpoint_id)
        .join(heads, heads.c.seq == WebhookDelivery.seq)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookEndpoint.enabled.is_(true()), WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)  # longest waiting first: none starves
        .limit(limit)
    )
    return list(await session.scalars(query))


async def head(session: AsyncSession, endpoint_id: uuid.UUID) -> WebhookDelivery | None:
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .order_by(WebhookDelivery.seq)
        .limit(1)
    )
    return await session.scalar(query)


async def failed_attempts_since(
    session: AsyncSession, endpoint_id: uuid.UUID, since: datetime
) -> int:
    query = (
        select(func.count())
        .select_from(WebhookAttempt)
        .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookAttempt.attempted_at >= since,
            WebhookAttempt.succeeded.is_(false()),
        )
    )
    return int(await session.scalar(query) or 0)


async def list_deliveries(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    status: DeliveryStatus | None,
    page: PageParams,
) -> tuple[list[WebhookDelivery], int]:
    where = [WebhookDelivery.endpoint_id == endpoint_id]
    if status is not None:
        where.append(WebhookDelivery.status == status)
    total = await session.scalar(select(func.count()).select_from(WebhookDelivery).where(*where))
    query = (
        select(WebhookDelivery)
        .where(*where)
        .order_by(WebhookDelivery.seq.desc())
        .offset(page.offset)
        .limit(page.page_size)
    )
    return list(await session.scalars(query)), int(total or 0)


async def get_delivery(
    session: AsyncSession, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery | None:
    query = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id
    )
    return await session.scalar(query)


async def attempts(session: AsyncSession, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    query = (
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    )
    return list(await session.scalars(query))


async def last_attempts(
    session: AsyncSession, delivery_ids: list[uuid.UUID]
) -> dict[uuid.UUID, WebhookAttempt]:
    if not delivery_ids:
        return {}
    latest = (
        select(func.max(WebhookAttempt.id))
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .group_by(WebhookAttempt.delivery_id)
    )
    query = select(WebhookAttempt).where(WebhookAttempt.id.in_(latest))
    return {a.delivery_id: a for a in await session.scalars(query)}


async def owners(session: AsyncSession, endpoint: WebhookEndpoint) -> list[User]:
    """Who answers for an endpoint: its creator while active, else the course's owner, else
    the organisation's admins."""
    creator = await session.get(User, endpoint.created_by) if endpoint.created_by else None
    if creator is not None and creator.is_active:
        return [creator]
    if endpoint.course_id is not None:
        owner = await session.scalar(
            select(User)
            .join(Course, Course.owner_id == User.id)
            .where(Course.id == endpoint.course_id)
        )
        if owner is not None and owner.is_active:
            return [owner]
    query = select(User).where(User.role == Role.ADMIN, User.is_active.is_(true()))
    return list(await session.scalars(query))


async def all_endpoints(session: AsyncSession) -> list[WebhookEndpoint]:
    return list(await session.scalars(select(WebhookEndpoint).with_for_update()))


async def purge_settled(session: AsyncSession, before: datetime) -> int:
    """Drop messages settled before `before` (their attempts go with them)."""
    result = await session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.status != DeliveryStatus.PENDING, WebhookDelivery.finished_at < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
