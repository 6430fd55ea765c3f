"""Webhook endpoints for admins, and the outbox: every event a receiver may want becomes a
queued message per subscribed endpoint, in the same transaction as the event itself."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.config import Settings
from app.core.concurrency import check_version
from app.core.db import utcnow
from app.core.sealing import SealError, sealer_for
from app.courses.models import Course
from app.notifications import service as notifications
from app.notifications.kinds import NotificationKind
from app.realtime.models import WorkflowEvent
from app.users.models import User
from app.webhooks import delivery, destinations, repository, signing
from app.webhooks.errors import (
    EndpointNotFound,
    InvalidDestination,
    SecretUnreadable,
)
from app.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.webhooks.schemas import (
    EndpointCreate,
    EndpointRead,
    EndpointSecret,
    EndpointUpdate,
    SecretRotate,
    TestResult,
)

# The course event log's types that receivers hear about, by their public names.
_PUBLIC_NAMES = {
    "run.started": WebhookEvent.RUN_STARTED,
    "review.requested": WebhookEvent.GATE_WAITING,
    "review.decided": WebhookEvent.DECISION_MADE,
    "run.failed": WebhookEvent.RUN_FAILED,
    "run.succeeded": WebhookEvent.COURSE_APPROVED,  # when the final gate approved it
    "export.ready": WebhookEvent.EXPORT_READY,
}
TEST_EVENT = "webhook.test"


@dataclass(frozen=True)
class Scope:
    """Which endpoints a caller manages: the organisation's (course None) or a course's."""

    course_id: uuid.UUID | None
    actor: User


def public_event(event: WorkflowEvent) -> WebhookEvent | None:
    name = _PUBLIC_NAMES.get(event.type)
    if name is WebhookEvent.COURSE_APPROVED and not event.payload.get("approved"):
        return None  # a run that ended without final approval approved nothing
    return name


def message(
    event_name: str, course: Course, run_id: uuid.UUID | None, data: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The body receivers get, in the Standard Webhooks shape (type, timestamp, data)."""
    return {
        "type": event_name,
        "timestamp": at.isoformat(),
        "data": {
            "course": {"id": str(course.id), "title": course.title, "slug": course.slug},
            "run_id": str(run_id) if run_id else None,
            **data,
        },
    }


async def fan_out(session: AsyncSession, event: WorkflowEvent) -> None:
    """Queue the event for every endpoint that subscribed to it (inside the caller's
    transaction: the message exists exactly when the event does)."""
    name = public_event(event)
    if name is None:
        return
    endpoints = await repository.subscribed(session, event.course_id, name.value)
    if not endpoints:
        return
    course = await session.get(Course, event.course_id)
    assert course is not None  # the event was just appended to it
    body = message(name.value, course, event.run_id, dict(event.payload), event.created_at)
    message_id = f"msg_{uuid.uuid4().hex}"
    for endpoint in endpoints:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id, message_id=message_id, event=name.value, payload=body
            )
        )
    await session.flush()


# --- endpoints ---------------------------------------------------------------------


def _context(endpoint_id: uuid.UUID) -> str:
    return f"webhook:{endpoint_id}"


async def checked_destination(settings: Settings, url: str) -> destinations.Destination:
    allowed = destinations.networks(settings.webhook_allowed_networks)
    try:
        return await asyncio.to_thread(destinations.check, url, allowed)
    except destinations.DestinationError as exc:
        raise InvalidDestination(str(exc)) from None


def secrets_in_use(settings: Settings, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    sealer = sealer_for(settings)
    try:
        found = [sealer.open(endpoint.secret_sealed, _context(endpoint.id))]
    except SealError:
        raise SecretUnreadable from None
    if endpoint.previous_secret_sealed and (endpoint.previous_secret_expires_at or now) > now:
        # The old secret only eases a rotation: unreadable, it is left out, not fatal.
        with contextlib.suppress(SealError):
            found.append(sealer.open(endpoint.previous_secret_sealed, _context(endpoint.id)))
    return found


def read(endpoint: WebhookEndpoint, now: datetime | None = None) -> EndpointRead:
    result = EndpointRead.model_validate(endpoint)
    until = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_sealed and until and until > (now or utcnow()):
        result.rotating_until = until
    return result


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "enabled": endpoint.enabled,
        "course_id": str(endpoint.course_id) if endpoint.course_id else None,
    }


async def list_endpoints(session: AsyncSession, scope: Scope) -> list[EndpointRead]:
    return [read(e) for e in await repository.list_endpoints(session, scope.course_id)]


async def get_endpoint(
    session: AsyncSession, scope: Scope, endpoint_id: uuid.UUID, *, for_update: bool = False
) -> WebhookEndpoint:
    endpoint = await repository.get_endpoint(
        session, scope.course_id, endpoint_id, for_update=for_update
    )
    if endpoint is None:
        raise EndpointNotFound
    return endpoint


async def create_endpoint(
    session: AsyncSession, settings: Settings, scope: Scope, body: EndpointCreate
) -> tuple[WebhookEndpoint, str]:
    destination = await checked_destination(settings, body.url)
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        course_id=scope.course_id,
        url=destination.url,
        description=body.description.strip(),
        events=[e.value for e in body.events],
        created_by=scope.actor.id,
    )
    secret = signing.new_secret()
    endpoint.secret_sealed = sealer_for(settings).seal(secret, _context(endpoint.id))
    session.add(endpoint)
    await session.flush()
    await audit.record(
        session,
        actor_id=scope.actor.id,
        action="webhook.created",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        after=_snapshot(endpoint),
    )
    return endpoint, secret


async def update_endpoint(
    session: AsyncSession,
    settings: Settings,
    scope: Scope,
    endpoint_id: uuid.UUID,
    body: EndpointUpdate,
    version: int,
) -> WebhookEndpoint:
    endpoint = await get_endpoint(session, scope, endpoint_id, for_update=True)
    check_version(endpoint.version, version)
    before = _snapshot(endpoint)
    if body.url is not None:
        endpoint.url = (await checked_destination(settings, body.url)).url
    if body.description is not None:
        endpoint.description = body.description.strip()
    if body.events is not None:
        endpoint.events = [e.value for e in body.events]
    if body.enabled is not None and body.enabled != endpoint.enabled:
        endpoint.enabled = body.enabled
        # On again: a fresh start. Its queue resumes, and a day must fail anew before the
        # endpoint is switched off again.
        endpoint.disabled_reason = None if body.enabled else "Disabled by an admin."
        endpoint.failing_since = None
    endpoint.version += 1
    await session.flush()
    await audit.record(
        session,
        actor_id=scope.actor.id,
        action="webhook.updated",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        before=before,
        after=_snapshot(endpoint),
    )
    return endpoint


async def delete_endpoint(session: AsyncSession, scope: Scope, endpoint_id: uuid.UUID) -> None:
    endpoint = await get_endpoint(session, scope, endpoint_id)
    before = _snapshot(endpoint)
    await session.delete(endpoint)
    await session.flush()
    await audit.record(
        session,
        actor_id=scope.actor.id,
        action="webhook.deleted",
        entity_type="webhook_endpoint",
        entity_id=endpoint_id,
        before=before,
    )


async def reveal_secret(
    session: AsyncSession, settings: Settings, scope: Scope, endpoint_id: uuid.UUID
) -> EndpointSecret:
    endpoint = await get_endpoint(session, scope, endpoint_id)
    now = utcnow()
    current = secrets_in_use(settings, endpoint, now)[0]
    await audit.record(
        session,
        actor_id=scope.actor.id,
        action="webhook.secret_viewed",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
    )
    return EndpointSecret(
        secret=current, previous_secret_valid_until=read(endpoint, now).rotating_until
    )


async def rotate_secret(
    session: AsyncSession,
    settings: Settings,
    scope: Scope,
    endpoint_id: uuid.UUID,
    body: SecretRotate,
) -> EndpointSecret:
    """A new secret signs from now on; the old one keeps signing beside it for a while, so
    receivers can switch without missing a message."""
    endpoint = await get_endpoint(session, scope, endpoint_id, for_update=True)
    now = utcnow()
    sealer = sealer_for(settings)
    try:
        sealer.open(endpoint.secret_sealed, _context(endpoint.id))
        readable = True
    except SealError:
        readable = False  # a lost key: nothing old to keep signing with
    keep = body.keep_previous_hours > 0 and readable
    endpoint.previous_secret_sealed = endpoint.secret_sealed if keep else None
    endpoint.previous_secret_expires_at = (
        now + timedelta(hours=body.keep_previous_hours) if keep else None
    )
    secret = signing.new_secret()
    endpoint.secret_sealed = sealer.seal(secret, _context(endpoint.id))
    endpoint.version += 1
    await session.flush()
    await audit.record(
        session,
        actor_id=scope.actor.id,
        action="webhook.secret_rotated",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        after={"keep_previous_hours": body.keep_previous_hours if keep else 0},
    )
    return EndpointSecret(
        secret=secret, previous_secret_valid_until=endpoint.previous_secret_expires_at
    )


async def send_test(
    session: AsyncSession, settings: Settings, scope: Scope, endpoint_id: uuid.UUID
) -> TestResult:
    """A signed `webhook.test` message sent now, outside the queue, answered with what the
    receiver said: how an admin checks an endpoint before relying on it."""
    endpoint = await get_endpoint(session, scope, endpoint_id)
    now = utcnow()
    destination = await checked_destination(settings, endpoint.url)
    body = {
        "type": TEST_EVENT,
        "timestamp": now.isoformat(),
        "data": {"endpoint_id": str(endpoint.id), "course_id": str(endpoint.course_id or "")},
    }
    secrets = secrets_in_use(settings, endpoint, now)
    attempt = await delivery.send(destination, f"msg_{uuid.uuid4().hex}", body, secrets, now)
    return TestResult(
        succeeded=attempt.succeeded,
        status_code=attempt.status,
        latency_ms=attempt.latency_ms,
        response_excerpt=attempt.excerpt,
        error=attempt.error,
    )


async def tell_owner_disabled(
    session: AsyncSession, endpoint: WebhookEndpoint, last_error: str, failures: int
) -> None:
    """Mail whoever registered the endpoint (or, if they are gone, the course's owner or
    the organisation's admins) that it was switched off."""
    recipients = await repository.owners(session, endpoint)
    context = {
        "endpoint_url": endpoint.url,
        "last_error": last_error,
        "failure_count": failures,
        "occurred_at": utcnow(),
    }
    await notifications.queue(session, recipients, NotificationKind.WEBHOOK_DISABLED, context)


async def reseal(session: AsyncSession, settings: Settings) -> tuple[int, int]:
    """Seal every endpoint's secrets again with the current ENCRYPTION_KEY (after a
    rotation), dropping previous secrets whose overlap has ended; returns (endpoints
    resealed, endpoints unreadable). An unreadable one needs a new secret (rotate it)."""
    sealer, now, done, unreadable = sealer_for(settings), utcnow(), 0, 0
    for endpoint in await repository.all_endpoints(session):
        if endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at <= now:
            endpoint.previous_secret_sealed = endpoint.previous_secret_expires_at = None
        sealed = [endpoint.secret_sealed, endpoint.previous_secret_sealed]
        if all(s is None or sealer.is_current(s) for s in sealed):
            continue
        context = _context(endpoint.id)
        try:
            opened = [sealer.open(s, context) if s else None for s in sealed]
        except SealError:
            unreadable += 1
            continue
        endpoint.secret_sealed = sealer.seal(opened[0] or "", context)
        endpoint.previous_secret_sealed = sealer.seal(opened[1], context) if opened[1] else None
        done += 1
    await session.flush()
    return done, unreadable
