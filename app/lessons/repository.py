from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.lessons.models import Lesson, LessonRevision, Module, QuizItem


async def modules_with_lessons(
    session: AsyncSession, course_id: uuid.UUID, include_deleted: bool
) -> tuple[list[Module], list[Lesson]]:
    modules = select(Module).where(Module.course_id == course_id)
    lessons = select(Lesson).where(Lesson.course_id == course_id)
    if not include_deleted:
        modules = modules.where(Module.deleted_at.is_(None))
        lessons = lessons.where(Lesson.deleted_at.is_(None))
    found_modules = await session.scalars(modules.order_by(Module.position, Module.id))
    found_lessons = await session.scalars(lessons.order_by(Lesson.position, Lesson.id))
    return list(found_modules), list(found_lessons)


async def get_module(
    session: AsyncSession, course_id: uuid.UUID, module_id: uuid.UUID
) -> Module | None:
    module = await session.get(Module, module_id)
    if module is None or module.course_id != course_id or module.deleted_at is not None:
        return None
    return module


async def get_lesson(
    session: AsyncSession, course_id: uuid.UUID, lesson_id: uuid.UUID
) -> Lesson | None:
    lesson = await session.get(Lesson, lesson_id)
    return lesson if lesson is not None and lesson.course_id == course_id else None


async def next_module_position(session: AsyncSession, course_id: uuid.UUID) -> int:
    query = select(func.coalesce(func.max(Module.position), 0)).where(Module.course_id == course_id)
    return int(await session.scalar(query) or 0) + 1


async def next_lesson_position(session: AsyncSession, module_id: uuid.UUID) -> int:
    query = select(func.coalesce(func.max(Lesson.position), 0)).where(Lesson.module_id == module_id)
    return int(await session.scalar(query) or 0) + 1


async def revisions(session: AsyncSession, lesson_id: uuid.UUID) -> list[LessonRevision]:
    query = (
        select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson_id)
        .order_by(LessonRevision.version.desc())
    )
    return list(await session.scalars(query))


async def keyed_modules(session: AsyncSession, course_id: uuid.UUID) -> dict[str, Module]:
    query = select(Module).where(Module.course_id == course_id, Module.workflow_key.is_not(None))
    return {m.workflow_key: m for m in await session.scalars(query) if m.workflow_key}


async def keyed_lessons(session: AsyncSession, course_id: uuid.UUID) -> dict[str, Lesson]:
    query = select(Lesson).where(Lesson.course_id == course_id, Lesson.workflow_key.is_not(None))
    return {row.workflow_key: row for row in await session.scalars(query) if row.workflow_key}


async def lesson_by_key(
    session: AsyncSession, course_id: uuid.UUID, key: str, *, for_update: bool = False
) -> Lesson | None:
    query = select(Lesson).where(Lesson.course_id == course_id, Lesson.workflow_key == key)
    if for_update:
        query = query.with_for_update(key_share=True)  # see app/workflow/repository.py
    found: Lesson | None = await session.scalar(query)
    return found


async def quiz_items(session: AsyncSession, module_id: uuid.UUID) -> dict[str, QuizItem]:
    query = select(QuizItem).where(QuizItem.module_id == module_id)
    return {item.workflow_key: item for item in await session.scalars(query)}
