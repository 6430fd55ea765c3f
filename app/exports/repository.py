"""SQL of the exports domain: the course content an export reads, and the export rows."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.exports.models import Export
from app.lessons.models import Lesson, Module, QuizItem


async def course_content(
    session: AsyncSession, course_id: uuid.UUID
) -> tuple[list[Module], list[Lesson], list[QuizItem]]:
    """Live modules and lessons in reading order, and every quiz item of those modules."""
    modules = list(
        await session.scalars(
            select(Module)
            .where(Module.course_id == course_id, Module.deleted_at.is_(None))
            .order_by(Module.position, Module.id)
        )
    )
    lessons = list(
        await session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course_id, Lesson.deleted_at.is_(None))
            .order_by(Lesson.position, Lesson.id)
        )
    )
    items = list(
        await session.scalars(
            select(QuizItem)
            .where(QuizItem.course_id == course_id)
            .order_by(QuizItem.position, QuizItem.id)
        )
    )
    return modules, lessons, items


async def get_export(session: AsyncSession, export_id: uuid.UUID) -> Export | None:
    return await session.get(Export, export_id)


async def course_exports(session: AsyncSession, course_id: uuid.UUID) -> list[Export]:
    query = (
        select(Export)
        .where(Export.course_id == course_id)
        .order_by(Export.created_at.desc())
        .limit(200)
    )
    return list(await session.scalars(query))
