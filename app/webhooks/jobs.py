"""Delivering the queue. One `webhooks.deliver` job per endpoint at a time (the job key),
sending its messages strictly in order: a failing message holds the ones behind it until
it succeeds or its retries run out. The dispatcher, in every worker, queues that job for
each endpoint whose next message is due."""

from __future__ import annotations

import logging
import time
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.core.jobs import JobContext, job
from app.core.metrics import WEBHOOK_ATTEMPTS, WEBHOOK_ENDPOINTS_DISABLED, WEBHOOK_LATENCY
from app.core.outbox import Dispatched
from app.webhooks import delivery, repository, schedule, service
from app.webhooks.delivery import Attempt
from app.webhooks.errors import InvalidDestination, SecretUnreadable
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger("courzly.webhooks")
JOB = "webhooks.deliver"
DISPATCH_BATCH = 200
# One job sends at most this many messages, or for this long, then makes way for other
# endpoints' jobs (the dispatcher queues it again at once if more are due). The time budget
# keeps a slow receiver's batch well inside the job's timeout, so no attempt is cut short
# between its POST and its record (which would send the message twice).
MESSAGES_PER_JOB = 100
JOB_TIMEOUT_SECONDS = 600
BATCH_SECONDS = JOB_TIMEOUT_SECONDS - 4 * delivery.TOTAL_SECONDS


def job_key(endpoint_id: uuid.UUID) -> str:
    return f"webhook:{endpoint_id}"


@job(JOB)
async def deliver_queue(ctx: JobContext, *, endpoint_id: str) -> int:
    """Send this endpoint's due messages in order; returns how many were settled."""
    settled, started = 0, time.monotonic()
    while settled < MESSAGES_PER_JOB and time.monotonic() - started < BATCH_SECONDS:
        if await _deliver_head(ctx, uuid.UUID(endpoint_id)) is not True:
            break
        settled += 1
    return settled


async def _deliver_head(ctx: JobContext, endpoint_id: uuid.UUID) -> bool | None:
    """Attempt the endpoint's first pending message. True: go on (delivered, or given up
    for good); False: it waits for a retry, and the rest behind it; None: nothing due, or
    the endpoint is off or gone."""
    now = utcnow()
    async with ctx.sessions() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or not endpoint.enabled:
            return None
        head = await repository.head(session, endpoint_id)
        if head is None or head.next_attempt_at > now:
            return None
        url, message_id, payload = endpoint.url, head.message_id, head.payload
        unreadable: str | None = None
        try:
            secrets = service.secrets_in_use(ctx.settings, endpoint, now)
        except SecretUnreadable as exc:
            secrets, unreadable = [], exc.detail
        head_id = head.id
    # No transaction is held open across the request: the receiver may take 10 s.
    if unreadable is not None:
        attempt = Attempt(None, 0, "", unreadable)
    else:
        attempt = await _attempt(ctx, url, message_id, payload, secrets)
    async with ctx.sessions() as session:
        succeeded = await _record(session, endpoint_id, head_id, attempt)
        await session.commit()
    return succeeded


async def _attempt(
    ctx: JobContext, url: str, message_id: str, payload: dict[str, object], secrets: list[str]
) -> Attempt:
    try:
        # Checked again at each attempt: the name may resolve elsewhere since it was saved.
        destination = await service.checked_destination(ctx.settings, url)
    except InvalidDestination as exc:
        return Attempt(None, 0, "", exc.detail)
    return await delivery.send(destination, message_id, payload, secrets, utcnow())


async def _record(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
    attempt: Attempt,
) -> bool | None:
    endpoint = await session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    row = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if endpoint is None or row is None or row.status is not DeliveryStatus.PENDING:
        return None  # deleted (or settled) meanwhile
    now = utcnow()
    session.add(
        WebhookAttempt(
            delivery_id=row.id,
            attempted_at=now,
            status_code=attempt.status,
            latency_ms=attempt.latency_ms,
            response_excerpt=attempt.excerpt,
            error=attempt.error,
            succeeded=attempt.succeeded,
        )
    )
    row.attempts += 1
    WEBHOOK_LATENCY.observe(attempt.latency_ms / 1000)
    if attempt.succeeded:
        row.status, row.finished_at = DeliveryStatus.SUCCEEDED, now
        endpoint.failing_since = None
        WEBHOOK_ATTEMPTS.labels("delivered").inc()
        return True
    retry_at = schedule.next_attempt(row.attempts, now)
    if retry_at is None:
        row.status, row.finished_at = DeliveryStatus.FAILED, now  # the next one may go
    else:
        row.next_attempt_at = retry_at
    WEBHOOK_ATTEMPTS.labels("gave_up" if retry_at is None else "retry").inc()
    endpoint.failing_since = endpoint.failing_since or now
    await session.flush()
    failed = await repository.failed_attempts_since(session, endpoint.id, endpoint.failing_since)
    if schedule.should_disable(endpoint.failing_since, failed, now):
        await _disable(session, endpoint, attempt, failed)
    log.info(
        "webhook delivery failed",
        extra={"endpoint": str(endpoint.id), "status": attempt.status, "reason": attempt.error},
    )
    return retry_at is None and endpoint.enabled


async def _disable(
    session: AsyncSession, endpoint: WebhookEndpoint, attempt: Attempt, failures: int
) -> None:
    since = endpoint.failing_since
    endpoint.enabled = False
    reason = attempt.error or f"HTTP {attempt.status}"
    endpoint.disabled_reason = (
        f"Switched off after failing since {since:%Y-%m-%d %H:%M} UTC; last answer: "
        f"{reason}. Its messages wait until it is on again."
    )
    endpoint.version += 1
    WEBHOOK_ENDPOINTS_DISABLED.inc()
    log.warning("webhook endpoint disabled", extra={"endpoint": str(endpoint.id)})
    await service.tell_owner_disabled(session, endpoint, reason, failures)


async def dispatch_due(ctx: JobContext) -> Dispatched:
    """Queue the delivery job of every endpoint with a message due (keyed: an endpoint
    whose job is already queued or running is not queued twice; the dispatcher then looks
    again shortly, in case that job looked at its queue just before the new message)."""
    async with ctx.sessions() as session:
        due = await repository.due_endpoints(session, utcnow(), DISPATCH_BATCH)
    busy = 0
    for endpoint_id in due:
        queued = await ctx.queue.enqueue(
            JOB,
            key=job_key(endpoint_id),
            job_timeout=JOB_TIMEOUT_SECONDS,
            endpoint_id=str(endpoint_id),
        )
        busy += not queued
    return Dispatched(queued=len(due) - busy, busy=busy)
