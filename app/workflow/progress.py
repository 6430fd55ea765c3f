"""Where each course's workflow stands, for the courses dashboard: its latest run, its
lessons approved out of all, and its reviews waiting. Three grouped queries for a page of
courses, whatever its size, so the list itself stays as fast as it is."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schemas import ResponseModel
from app.courses import service as courses
from app.lessons.models import Lesson, LessonStatus
from app.users.models import User
from app.workflow.models import GateStatus, ReviewGate, RunStatus, WorkflowRun

MAX_COURSES = 100  # a dashboard page asks for 20


class CourseProgress(ResponseModel):
    course_id: uuid.UUID
    run_id: uuid.UUID | None  # the latest run, None before the first
    run_status: RunStatus | None
    phase: str | None
    lessons_total: int
    lessons_approved: int
    pending_reviews: int


async def progress(
    session: AsyncSession, user: User, course_ids: list[uuid.UUID]
) -> list[CourseProgress]:
    """The progress of the given courses the user may read, in the order asked; courses
    they may not read (or that do not exist) are left out, as a search would."""
    readable = await courses.readable_course_ids(session, user)  # None: every course
    wanted = [c for c in dict.fromkeys(course_ids) if readable is None or c in readable]
    if not wanted:
        return []
    latest = await session.execute(
        select(WorkflowRun.course_id, WorkflowRun.id, WorkflowRun.status, WorkflowRun.phase)
        .where(WorkflowRun.course_id.in_(wanted))
        .order_by(WorkflowRun.course_id, WorkflowRun.started_at.desc())
        .ext(distinct_on(WorkflowRun.course_id))
    )
    runs = {course_id: (run_id, status, phase) for course_id, run_id, status, phase in latest}
    counted = await session.execute(
        select(
            Lesson.course_id,
            func.count(),
            func.count().filter(Lesson.status == LessonStatus.APPROVED),
        )
        .where(Lesson.course_id.in_(wanted), Lesson.deleted_at.is_(None))
        .group_by(Lesson.course_id)
    )
    lessons = {course_id: (total, approved) for course_id, total, approved in counted}
    waiting = await session.execute(
        select(ReviewGate.course_id, func.count())
        .where(ReviewGate.course_id.in_(wanted), ReviewGate.status == GateStatus.PENDING)
        .group_by(ReviewGate.course_id)
    )
    reviews: dict[uuid.UUID, int] = {course_id: count for course_id, count in waiting}
    found = []
    for course_id in wanted:
        run_id, status, phase = runs.get(course_id, (None, None, None))
        total, approved = lessons.get(course_id, (0, 0))
        found.append(
            CourseProgress(
                course_id=course_id,
                run_id=run_id,
                run_status=status,
                phase=phase,
                lessons_total=total,
                lessons_approved=approved,
                pending_reviews=reviews.get(course_id, 0),
            )
        )
    return found
