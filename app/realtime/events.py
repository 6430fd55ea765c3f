"""The course event log: append to `workflow_events` (seq +1 per course), then publish.

Appending first means a subscriber that missed the publish finds the event in the log
when it resumes from its last seq; publishing after commit means nobody sees an event
that a rollback then takes back.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

import orjson
from redis.asyncio import Redis
from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.redis import Keys
from app.courses.models import Course
from app.integrations import service as drive
from app.notifications import service as notifications
from app.realtime.models import WorkflowEvent
from app.webhooks import service as webhooks

# A Core update: bumping the event counter is not a course edit (no version bump).
_courses = cast(Table, Course.__table__)


class EventType(StrEnum):
    RUN_STARTED = "run.started"
    PHASE_CHANGED = "run.phase"
    COST_UPDATED = "run.cost"
    RUN_WAITING = "run.waiting"
    RUN_SUCCEEDED = "run.succeeded"
    RUN_FAILED = "run.failed"
    RUN_CANCELLED = "run.cancelled"
    OUTLINE_TOKENS = "outline.tokens"  # the outline's JSON as it is written
    LESSON_STARTED = "lesson.started"
    LESSON_TOKENS = "lesson.tokens"
    LESSON_READY = "lesson.ready"
    LESSON_SAVED = "lesson.saved"  # a person saved it (or accepted a suggestion): views reload
    QUIZ_READY = "quiz.ready"
    REVIEW_REQUESTED = "review.requested"
    DECISION_MADE = "review.decided"
    CHAT_MESSAGE = "chat.message"
    CHAT_TOKENS = "chat.tokens"
    SUGGESTION_CREATED = "suggestion.created"
    SUGGESTION_DECIDED = "suggestion.decided"
    EXPORT_PROGRESS = "export.progress"
    EXPORT_READY = "export.ready"
    EXPORT_FAILED = "export.failed"


# The courses feed: a notice per event that moves a course on a list (its run's state,
# lessons to review, decisions, exports), for pages that cannot follow every course.
FEED = "feed"  # the key of a feed message on its channel
FEED_TYPES = frozenset(
    {
        EventType.RUN_STARTED,
        EventType.PHASE_CHANGED,
        EventType.RUN_WAITING,
        EventType.RUN_SUCCEEDED,
        EventType.RUN_FAILED,
        EventType.RUN_CANCELLED,
        EventType.LESSON_READY,
        EventType.REVIEW_REQUESTED,
        EventType.DECISION_MADE,
        EventType.EXPORT_READY,
    }
)


def channel(keys: Keys, course_id: uuid.UUID) -> str:
    return keys("events", str(course_id))


def feed_channel(keys: Keys) -> str:
    return keys("events", "_feed")


def feed_message(event: WorkflowEvent) -> dict[str, Any] | None:
    """What the feed says of an event, or None when lists do not care about it."""
    if event.type not in FEED_TYPES:
        return None
    notice = {
        "course_id": str(event.course_id),
        "event": event.type,
        "run_id": str(event.run_id) if event.run_id else None,
    }
    return {FEED: notice}


def as_message(event: WorkflowEvent) -> dict[str, Any]:
    """The one shape clients see, live or replayed."""
    created: datetime = event.created_at
    return {
        "seq": event.seq,
        "course_id": str(event.course_id),
        "run_id": str(event.run_id) if event.run_id else None,
        "type": event.type,
        "payload": event.payload,
        "created_at": created.isoformat(),
    }


async def append(
    session: AsyncSession,
    course_id: uuid.UUID,
    run_id: uuid.UUID | None,
    event_type: EventType,
    payload: dict[str, Any] | None = None,
) -> WorkflowEvent:
    """Add an event inside the caller's transaction. The counter row lock orders events of
    one course; keep the transaction short, since it is held until commit. Webhook messages
    and mail about the event, and Drive files kept in sync with an export, are queued in the
    same transaction (app/webhooks, app/notifications, app/integrations)."""
    seq = await session.scalar(
        update(_courses)
        .where(_courses.c.id == course_id)
        .values(event_seq=_courses.c.event_seq + 1)
        .returning(_courses.c.event_seq)
    )
    if seq is None:
        raise LookupError(f"course {course_id} does not exist")
    event = WorkflowEvent(
        course_id=course_id, seq=seq, run_id=run_id, type=event_type, payload=payload or {}
    )
    session.add(event)
    await session.flush()
    await webhooks.fan_out(session, event)
    await notifications.on_event(session, event)
    await drive.on_event(session, event)
    return event


async def publish(redis: Redis, keys: Keys, events: list[WorkflowEvent]) -> None:
    for event in events:
        await redis.publish(channel(keys, event.course_id), orjson.dumps(as_message(event)))
        notice = feed_message(event)
        if notice is not None:
            await redis.publish(feed_channel(keys), orjson.dumps(notice))


async def emit(
    sessions: async_sessionmaker[AsyncSession],
    redis: Redis,
    keys: Keys,
    course_id: uuid.UUID,
    run_id: uuid.UUID | None,
    event_type: EventType,
    payload: dict[str, Any] | None = None,
) -> WorkflowEvent:
    """Append in a transaction of its own, commit, publish: for workers, outside requests."""
    async with sessions() as session:
        event = await append(session, course_id, run_id, event_type, payload)
        await session.commit()
    await publish(redis, keys, [event])
    return event
