"""Sending the mail outbox: one `notifications.send` job per queued mail, retried on
temporary failures (server down, 4xx) over about nine hours, given up on permanent ones."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from app.core.db import utcnow
from app.core.jobs import JobContext, job
from app.core.metrics import MAIL
from app.core.outbox import Dispatched
from app.notifications import repository, service
from app.notifications.errors import InvalidNotification, MailPermanentError, MailTemporaryError
from app.notifications.kinds import NotificationKind
from app.notifications.mailer import LogMailer, mailer_for
from app.notifications.messages import compose
from app.notifications.models import Notification, NotificationStatus
from app.users.models import User

log = logging.getLogger("courzly.notifications")
JOB = "notifications.send"
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
DISPATCH_BATCH = 200


@job(JOB)
async def send(ctx: JobContext, *, notification_id: str) -> str:
    """Returns the notification's status afterwards."""
    async with ctx.sessions() as session:
        row = await session.get(Notification, uuid.UUID(notification_id), with_for_update=True)
        if row is None or row.status is not NotificationStatus.PENDING:
            return "gone" if row is None else row.status.value
        user = await session.get(User, row.user_id)
        kind = NotificationKind(row.kind)
        assert user is not None  # notifications go with their user
        if not user.is_active or (
            not kind.critical and not (await service.preferences(session, user))[kind]
        ):
            # Deactivated, or turned off, since it was queued.
            row.status = NotificationStatus.SKIPPED
            await session.commit()
            MAIL.labels(kind.value, "skipped").inc()
            return row.status.value
        now = utcnow()
        row.attempts += 1
        mailer = mailer_for(ctx.settings)
        try:
            message = compose(ctx.settings, kind, user.email, service.restore(row.context), user.id)
            await mailer.send(message)
        except MailTemporaryError as exc:
            retry = row.attempts <= len(RETRY_DELAYS)
            row.last_error = str(exc)[:1000]
            if retry:
                row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]
            else:
                row.status = NotificationStatus.FAILED
            log.warning("mail not sent", extra={"notification": notification_id, "retry": retry})
        except (MailPermanentError, InvalidNotification) as exc:
            row.status, row.last_error = NotificationStatus.FAILED, str(exc)[:1000]
            log.error("mail refused for good", extra={"notification": notification_id})
        else:
            row.status, row.sent_at, row.last_error = NotificationStatus.SENT, now, None
        await session.commit()
        outcome = "retry" if row.status is NotificationStatus.PENDING else row.status.value
        if outcome == "sent" and isinstance(mailer, LogMailer):
            outcome = "logged"  # no SMTP_HOST: written to the log, not sent
        MAIL.labels(kind.value, outcome).inc()
        return row.status.value


async def dispatch_due(ctx: JobContext) -> Dispatched:
    async with ctx.sessions() as session:
        due = await repository.due(session, utcnow(), DISPATCH_BATCH)
    for notification_id in due:
        await ctx.queue.enqueue(
            JOB,
            key=f"mail:{notification_id}",
            job_timeout=300,
            notification_id=str(notification_id),
        )
    return Dispatched(queued=len(due))  # keyed per entry: a refused one is being sent
