from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.chat.models import ChatMessage, LessonSuggestion, SuggestionStatus
from app.core.pagination import PageParams
from app.courses.models import Course
from app.lessons.models import Lesson


async def _page(
    session: AsyncSession, query: Select[Any], page: PageParams
) -> tuple[list[Any], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.offset(page.offset).limit(page.page_size))
    return list(rows), int(total or 0)


async def list_messages(
    session: AsyncSession, course_id: uuid.UUID, lesson_id: uuid.UUID | None, page: PageParams
) -> tuple[list[ChatMessage], int]:
    query = select(ChatMessage).where(ChatMessage.course_id == course_id)
    if lesson_id is not None:
        query = query.where(ChatMessage.lesson_id == lesson_id)
    query = query.order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc())
    return await _page(session, query, page)


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> ChatMessage | None:
    return await session.get(ChatMessage, message_id)


async def thread(
    session: AsyncSession,
    course_id: uuid.UUID,
    lesson_id: uuid.UUID | None,
    until: datetime,
    limit: int,
) -> list[ChatMessage]:
    """The newest `limit` messages of a conversation (a lesson's, or the course's general
    one) up to `until`, oldest first."""
    lesson_match = (
        ChatMessage.lesson_id.is_(None) if lesson_id is None else ChatMessage.lesson_id == lesson_id
    )
    query = (
        select(ChatMessage)
        .where(ChatMessage.course_id == course_id, lesson_match, ChatMessage.created_at <= until)
        .order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc())
        .limit(limit)
    )
    return list(reversed(list(await session.scalars(query))))


async def list_suggestions(
    session: AsyncSession,
    course_id: uuid.UUID,
    status: SuggestionStatus | None,
    lesson_id: uuid.UUID | None,
    page: PageParams,
) -> tuple[list[LessonSuggestion], int]:
    query = select(LessonSuggestion).where(LessonSuggestion.course_id == course_id)
    if status is not None:
        query = query.where(LessonSuggestion.status == status)
    if lesson_id is not None:
        query = query.where(LessonSuggestion.lesson_id == lesson_id)
    query = query.order_by(LessonSuggestion.created_at.desc(), LessonSuggestion.id.desc())
    return await _page(session, query, page)


async def suggestion_for_update(
    session: AsyncSession, course_id: uuid.UUID, suggestion_id: uuid.UUID
) -> LessonSuggestion | None:
    """Locked until commit: of two concurrent decisions the second waits, then sees the
    first one's outcome."""
    query = (
        select(LessonSuggestion)
        .where(LessonSuggestion.id == suggestion_id, LessonSuggestion.course_id == course_id)
        .with_for_update()
    )
    found: LessonSuggestion | None = await session.scalar(query)
    return found


async def course_title_and_brief(
    session: AsyncSession, course_id: uuid.UUID
) -> tuple[str, dict[str, Any]] | None:
    row = (
        await session.execute(select(Course.title, Course.brief).where(Course.id == course_id))
    ).first()
    return (row.title, row.brief) if row is not None else None


async def live_lesson(
    session: AsyncSession, course_id: uuid.UUID, lesson_id: uuid.UUID
) -> Lesson | None:
    lesson = await session.get(Lesson, lesson_id, populate_existing=True)
    if lesson is None or lesson.course_id != course_id or lesson.deleted_at is not None:
        return None
    return lesson
