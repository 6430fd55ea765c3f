"""The reviewers' dashboard: pending gates across the courses a user can read."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page, PageParams
from app.courses import service as courses
from app.users.models import User
from app.workflow import repository
from app.workflow.models import GateKind
from app.workflow.schemas import GateRead


async def pending(
    session: AsyncSession,
    user: User,
    page: PageParams,
    course_id: uuid.UUID | None,
    kind: GateKind | None,
) -> Page[GateRead]:
    readable = await courses.readable_course_ids(session, user)  # None: every course
    if course_id is not None:
        readable = [course_id] if readable is None or course_id in readable else []
    gates, total = await repository.pending_gates(
        session, readable, kind, page.page_size, page.offset
    )
    return Page(
        items=[GateRead.model_validate(g) for g in gates],
        page=page.page,
        page_size=page.page_size,
        total=total,
    )
