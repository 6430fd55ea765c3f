from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.courses.models import Course
from app.realtime.models import WorkflowEvent


async def events_after(
    session: AsyncSession, course_id: uuid.UUID, after_seq: int, limit: int
) -> list[WorkflowEvent]:
    query = (
        select(WorkflowEvent)
        .where(WorkflowEvent.course_id == course_id, WorkflowEvent.seq > after_seq)
        .order_by(WorkflowEvent.seq)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def head_seq(session: AsyncSession, course_id: uuid.UUID) -> int | None:
    """The last seq handed out for the course (the counter on the course row)."""
    found: int | None = await session.scalar(select(Course.event_seq).where(Course.id == course_id))
    return found
