"""Course chat: messages in, replies queued for a worker, lesson suggestions decided by editors.

Functions here only append events; whoever commits (the socket handler, the request) also
publishes them afterwards.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.chat import repository
from app.chat.errors import SuggestionDecided, SuggestionNotFound, SuggestionOutdated
from app.chat.models import ChatMessage, ChatRole, LessonSuggestion, SuggestionStatus
from app.chat.schemas import ChatMessageRead, SuggestionAccepted, SuggestionRead
from app.core.db import utcnow
from app.core.jobs import JobQueue
from app.core.pagination import PageParams
from app.courses.service import CourseAccess
from app.lessons import service as lessons
from app.lessons.models import RevisionSource
from app.lessons.schemas import LessonRead, LessonUpdate
from app.realtime.events import EventType, append
from app.realtime.models import WorkflowEvent

REPLY_JOB = "chat.reply"
REPLY_TIMEOUT_SECONDS = 600


def message_payload(message: ChatMessage) -> dict[str, Any]:
    return {
        "message_id": str(message.id),
        "lesson_id": str(message.lesson_id) if message.lesson_id else None,
        "user_id": str(message.user_id) if message.user_id else None,
        "role": message.role.value,
        "content": message.content,
    }


def suggestion_payload(suggestion: LessonSuggestion) -> dict[str, Any]:
    return {
        "suggestion_id": str(suggestion.id),
        "lesson_id": str(suggestion.lesson_id),
        "message_id": str(suggestion.message_id) if suggestion.message_id else None,
        "base_version": suggestion.base_version,
        "status": suggestion.status.value,
    }


async def post_message(
    session: AsyncSession, access: CourseAccess, lesson_id: uuid.UUID | None, text: str
) -> tuple[ChatMessage, WorkflowEvent]:
    """`access` must carry CHAT_SEND. A lesson is checked to belong to the course."""
    if lesson_id is not None:
        await lessons.get_lesson(session, access, lesson_id)
    message = ChatMessage(
        course_id=access.course.id,
        lesson_id=lesson_id,
        user_id=access.user.id,
        role=ChatRole.USER,
        content=text,
    )
    session.add(message)
    await session.flush()
    event = await append(
        session, access.course.id, None, EventType.CHAT_MESSAGE, message_payload(message)
    )
    return message, event


async def queue_reply(jobs: JobQueue, message: ChatMessage) -> None:
    # Keyed by message: a repeated enqueue of the same message never asks twice.
    await jobs.enqueue(
        REPLY_JOB,
        key=f"{REPLY_JOB}:{message.id}",
        job_timeout=REPLY_TIMEOUT_SECONDS,
        course_id=str(message.course_id),
        message_id=str(message.id),
    )


async def list_messages(
    session: AsyncSession, access: CourseAccess, lesson_id: uuid.UUID | None, page: PageParams
) -> tuple[list[ChatMessageRead], int]:
    rows, total = await repository.list_messages(session, access.course.id, lesson_id, page)
    return [ChatMessageRead.model_validate(row) for row in rows], total


async def list_suggestions(
    session: AsyncSession,
    access: CourseAccess,
    status: SuggestionStatus | None,
    lesson_id: uuid.UUID | None,
    page: PageParams,
) -> tuple[list[SuggestionRead], int]:
    rows, total = await repository.list_suggestions(
        session, access.course.id, status, lesson_id, page
    )
    return [SuggestionRead.model_validate(row) for row in rows], total


async def _proposed(
    session: AsyncSession, access: CourseAccess, suggestion_id: uuid.UUID
) -> LessonSuggestion:
    suggestion = await repository.suggestion_for_update(session, access.course.id, suggestion_id)
    if suggestion is None:
        raise SuggestionNotFound
    if suggestion.status is not SuggestionStatus.PROPOSED:
        raise SuggestionDecided(suggestion)
    return suggestion


async def _decide(
    session: AsyncSession,
    access: CourseAccess,
    suggestion: LessonSuggestion,
    status: SuggestionStatus,
    lesson_version: int | None,
) -> WorkflowEvent:
    suggestion.status = status
    suggestion.decided_by = access.user.id
    suggestion.decided_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor_id=access.user.id,
        action=f"suggestion.{status.value}",
        entity_type="lesson_suggestion",
        entity_id=suggestion.id,
        before={"status": SuggestionStatus.PROPOSED.value},
        after={"status": status.value, "lesson_version": lesson_version},
    )
    payload = {**suggestion_payload(suggestion), "lesson_version": lesson_version}
    return await append(session, access.course.id, None, EventType.SUGGESTION_DECIDED, payload)


async def accept_suggestion(
    session: AsyncSession, access: CourseAccess, suggestion_id: uuid.UUID
) -> tuple[SuggestionAccepted, list[WorkflowEvent]]:
    """Apply the suggested text as a new lesson revision (source AI), in this transaction.
    Refused when the lesson moved on since the suggestion was made, or when it is decided."""
    suggestion = await _proposed(session, access, suggestion_id)
    lesson = await lessons.get_lesson(session, access, suggestion.lesson_id)
    if lesson.version != suggestion.base_version:
        raise SuggestionOutdated(suggestion.base_version, lesson.version)
    change = LessonUpdate(content=suggestion.content)
    lesson = await lessons.update_lesson(
        session, access, lesson.id, change, suggestion.base_version, source=RevisionSource.AI
    )
    saved = await lessons.announce_saved(session, access, lesson)
    event = await _decide(session, access, suggestion, SuggestionStatus.ACCEPTED, lesson.version)
    accepted = SuggestionAccepted(
        suggestion=SuggestionRead.model_validate(suggestion),
        lesson=LessonRead.model_validate(lesson),
    )
    return accepted, [saved, event]


async def reject_suggestion(
    session: AsyncSession, access: CourseAccess, suggestion_id: uuid.UUID
) -> tuple[SuggestionRead, WorkflowEvent]:
    suggestion = await _proposed(session, access, suggestion_id)
    event = await _decide(session, access, suggestion, SuggestionStatus.REJECTED, None)
    return SuggestionRead.model_validate(suggestion), event
