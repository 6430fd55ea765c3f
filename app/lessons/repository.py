from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.lessons.models import Lesson, LessonRevision, Module


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
