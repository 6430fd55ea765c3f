"""The delivery log of an endpoint: its messages newest first, each with every attempt,
and redelivery of a message."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core.pagination import Page, PageParams
from app.webhooks import repository, service
from app.webhooks.errors import DeliveryNotFound
from app.webhooks.models import DeliveryStatus, WebhookDelivery
from app.webhooks.schemas import AttemptRead, DeliveryDetail, DeliveryRead
from app.webhooks.service import Scope


async def list_deliveries(
    session: AsyncSession,
    scope: Scope,
    endpoint_id: uuid.UUID,
    status: DeliveryStatus | None,
    page: PageParams,
) -> Page[DeliveryRead]:
    endpoint = await service.get_endpoint(session, scope, endpoint_id)
    rows, total = await repository.list_deliveries(session, endpoint.id, status, page)
    last = await repository.last_attempts(session, [d.id for d in rows])
    items = []
    for row in rows:
        item = _delivery_read(row)
        attempt = last.get(row.id)
        item.last_attempt = AttemptRead.model_validate(attempt) if attempt else None
        items.append(item)
    return Page(items=items, page=page.page, page_size=page.page_size, total=total)


def _delivery_read(row: WebhookDelivery) -> DeliveryRead:
    result = DeliveryRead.model_validate(row)
    if row.status is not DeliveryStatus.PENDING:
        result.next_attempt_at = None
    return result


async def get_delivery(
    session: AsyncSession, scope: Scope, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryDetail:
    endpoint = await service.get_endpoint(session, scope, endpoint_id)
    row = await repository.get_delivery(session, endpoint.id, delivery_id)
    if row is None:
        raise DeliveryNotFound
    log = [AttemptRead.model_validate(a) for a in await repository.attempts(session, row.id)]
    summary = _delivery_read(row).model_dump()
    return DeliveryDetail(
        **summary | {"last_attempt": log[-1] if log else None},
        payload=row.payload,
        attempt_log=log,
    )


async def redeliver(
    session: AsyncSession, scope: Scope, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """The same message (same webhook-id, so receivers can drop a duplicate) queued again
    at the end of the endpoint's queue."""
    endpoint = await service.get_endpoint(session, scope, endpoint_id)
    original = await repository.get_delivery(session, endpoint.id, delivery_id)
    if original is None:
        raise DeliveryNotFound
    again = WebhookDelivery(
        endpoint_id=endpoint.id,
        message_id=original.message_id,
        event=original.event,
        payload=original.payload,
        redelivery_of=original.id,
    )
    session.add(again)
    await session.flush()
    await audit.record(
        session,
        actor_id=scope.actor.id,
        action="webhook.redelivered",
        entity_type="webhook_delivery",
        entity_id=original.id,
        after={"redelivery": str(again.id)},
    )
    return again
