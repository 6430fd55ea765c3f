from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.assets.models import CourseAsset
from app.courses.models import Course
from app.lessons.models import Lesson


async def course_assets(session: AsyncSession, course_id: uuid.UUID) -> list[CourseAsset]:
    query = select(CourseAsset).where(CourseAsset.course_id == course_id)
    return list((await session.scalars(query.order_by(CourseAsset.name))).all())


async def asset_named(session: AsyncSession, course_id: uuid.UUID, name: str) -> CourseAsset | None:
    query = select(CourseAsset).where(CourseAsset.course_id == course_id, CourseAsset.name == name)
    return await session.scalar(query)


async def lock_course_assets(session: AsyncSession, course_id: uuid.UUID) -> None:
    """Uploads to one course take turns, so names stay unique and the course limit exact.
    A key-share lock: it does not block writers of other course columns (see lessons)."""
    query = select(Course.id).where(Course.id == course_id).with_for_update(key_share=True)
    await session.execute(query)


async def lessons_showing(session: AsyncSession, course_id: uuid.UUID, src: str) -> list[str]:
    """Titles of the lessons whose text refers to `src`."""
    query = select(Lesson.title).where(
        Lesson.course_id == course_id, Lesson.content.contains(src, autoescape=True)
    )
    return list((await session.scalars(query.order_by(Lesson.title))).all())
