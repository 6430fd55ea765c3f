"""Who is told what. Notifications are queued in the transaction of what they tell about
(an event appended to a course's log, a password change, a lockout) and sent by the worker;
optional kinds a recipient turned off are not queued."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.db import utcnow
from app.courses.models import Course
from app.exports.formats import LABELS as FORMAT_LABELS
from app.exports.models import Export
from app.notifications import repository, unsubscribe
from app.notifications.errors import UnsubscribeTokenInvalid
from app.notifications.kinds import NotificationKind
from app.notifications.models import Notification
from app.realtime.models import WorkflowEvent
from app.users.models import User
from app.workflow.models import WorkflowRun

# Context values that are times: kept as ISO text in the outbox, datetimes again to render.
TIME_KEYS = frozenset({"occurred_at", "locked_until"})


def _json(context: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in context.items()}


def restore(context: dict[str, Any]) -> dict[str, Any]:
    return {k: datetime.fromisoformat(v) if k in TIME_KEYS else v for k, v in context.items()}


async def queue(
    session: AsyncSession, users: list[User], kind: NotificationKind, context: dict[str, Any]
) -> int:
    """Queue one mail per user (their name filled in); returns how many were queued."""
    users = [u for u in users if u.is_active]
    if not kind.critical:
        off = await repository.turned_off(session, [u.id for u in users], kind.value)
        users = [u for u in users if u.id not in off]
    for user in users:
        values = _json(context | {"recipient_name": user.display_name})
        session.add(Notification(user_id=user.id, kind=kind.value, context=values))
    return len(users)


async def on_event(session: AsyncSession, event: WorkflowEvent) -> None:
    """The course events people are mailed about (called as each is appended)."""
    builder = _BY_EVENT.get(event.type)
    if builder is None:
        return
    course = await session.get(Course, event.course_id)
    assert course is not None
    await builder(session, course, event)


async def _review_requested(session: AsyncSession, course: Course, event: WorkflowEvent) -> None:
    # One mail when a run stops for review, not one per lesson gate it opened.
    gates = int(event.payload.get("gates", 1))
    item = "1 item" if gates == 1 else f"{gates} items"
    owner = await session.get(User, course.owner_id)
    context = {
        "course_id": str(course.id),
        "course_title": course.title,
        "item": item,
        "requested_by": owner.display_name if owner else "the course's author",
    }
    recipients = [
        u for u in await repository.reviewers(session, course.id) if u.id != course.owner_id
    ]
    await queue(session, recipients, NotificationKind.REVIEW_REQUESTED, context)


async def _decision_made(session: AsyncSession, course: Course, event: WorkflowEvent) -> None:
    decider_id = event.payload.get("by")
    if decider_id == str(course.owner_id):
        return  # nobody needs mail about their own decision
    owner = await session.get(User, course.owner_id)
    decider = await session.get(User, uuid.UUID(decider_id)) if decider_id else None
    context = {
        "course_id": str(course.id),
        "course_title": course.title,
        "item": _reviewed_item(event.payload),
        "decision": str(event.payload.get("decision", "")),
        "reviewer_name": decider.display_name if decider else "A reviewer",
        "feedback": str(event.payload.get("feedback") or ""),
    }
    await queue(session, [owner] if owner else [], NotificationKind.DECISION_MADE, context)


def _reviewed_item(payload: dict[str, Any]) -> str:
    """What a gate put up for review, in words (its title alone reads oddly: "Outline")."""
    kind, title = payload.get("kind"), str(payload.get("title") or "")
    if kind == "outline":
        return "the outline"
    if kind == "final":
        return "the final version"
    return f"the lesson “{title}”" if title else "a lesson"


async def _run_failed(session: AsyncSession, course: Course, event: WorkflowEvent) -> None:
    owner = await session.get(User, course.owner_id)
    error = str(event.payload.get("error", ""))
    run = await session.get(WorkflowRun, event.run_id) if event.run_id else None
    context = {
        "course_id": str(course.id),
        "course_title": course.title,
        "step": run.phase if run else "generation",
        "error_summary": error[:300],
    }
    await queue(session, [owner] if owner else [], NotificationKind.RUN_FAILED, context)


async def _export_ready(session: AsyncSession, course: Course, event: WorkflowEvent) -> None:
    export = await session.get(Export, uuid.UUID(event.payload["export_id"]))
    if export is None or export.requested_by is None:
        return
    requester = await session.get(User, export.requested_by)
    context = {
        "course_id": str(course.id),
        "course_title": course.title,
        "export_format": FORMAT_LABELS.get(export.format, export.format),
    }
    await queue(session, [requester] if requester else [], NotificationKind.EXPORT_READY, context)


_BY_EVENT = {
    "run.waiting": _review_requested,
    "review.decided": _decision_made,
    "run.failed": _run_failed,
    "export.ready": _export_ready,
}


# --- preferences and unsubscribing ---------------------------------------------------


async def preferences(session: AsyncSession, user: User) -> dict[NotificationKind, bool]:
    stored = await repository.preferences(session, user.id)
    everything_off = stored.get(unsubscribe.ALL) is False
    return {
        kind: True if kind.critical else (not everything_off and stored.get(kind.value, True))
        for kind in NotificationKind
    }


async def set_preferences(
    session: AsyncSession, user: User, choices: dict[NotificationKind, bool]
) -> dict[NotificationKind, bool]:
    now = utcnow()
    for kind, enabled in choices.items():
        if not kind.critical:
            await repository.set_preference(session, user.id, kind.value, enabled, now)
    if any(choices.values()):
        # Turning any kind on again undoes an earlier "unsubscribe from everything".
        await repository.set_preference(session, user.id, unsubscribe.ALL, True, now)
    await session.flush()
    return await preferences(session, user)


async def unsubscribe_by_token(
    session: AsyncSession, settings: Settings, token: str
) -> tuple[User, str]:
    """Turn off what the token names (one kind, or all optional mail); returns the user and
    what was turned off. Safe to repeat."""
    user_id, scope = unsubscribe.verify(settings, token)
    user = await session.get(User, user_id)
    if user is None:
        raise UnsubscribeTokenInvalid("This link belongs to an account that no longer exists.")
    await repository.set_preference(session, user.id, str(scope), False, utcnow())
    await session.flush()
    return user, str(scope)
