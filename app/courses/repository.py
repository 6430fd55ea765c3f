from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import PageParams
from app.core.permissions import Role
from app.core.search import contains_pattern
from app.courses.models import Course, CourseMember, CourseStatus
from app.courses.schemas import CourseSort
from app.users.models import User

SUMMARY_COLUMNS = (
    Course.id,
    Course.title,
    Course.slug,
    Course.language,
    Course.status,
    Course.owner_id,
    Course.version,
    Course.created_at,
    Course.updated_at,
    Course.deleted_at,
)

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])

_ORDER: dict[CourseSort, tuple[ColumnElement[Any], ColumnElement[Any]]] = {
    CourseSort.UPDATED_DESC: (Course.updated_at.desc(), Course.id.desc()),
    CourseSort.UPDATED_ASC: (Course.updated_at.asc(), Course.id.asc()),
    CourseSort.CREATED_DESC: (Course.created_at.desc(), Course.id.desc()),
    CourseSort.CREATED_ASC: (Course.created_at.asc(), Course.id.asc()),
    CourseSort.TITLE_ASC: (Course.title.asc(), Course.id.asc()),
    CourseSort.TITLE_DESC: (Course.title.desc(), Course.id.desc()),
}


@dataclass(frozen=True)
class CourseFilters:
    status: CourseStatus | None = None
    owner_id: uuid.UUID | None = None
    q: str | None = None
    deleted: bool = False
    sort: CourseSort = CourseSort.UPDATED_DESC


async def get_with_role(
    session: AsyncSession, course_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[Course, Role | None] | None:
    """The course and the caller's membership role on it, in one query."""
    query = (
        select(Course, CourseMember.role)
        .outerjoin(
            CourseMember,
            (CourseMember.course_id == Course.id) & (CourseMember.user_id == user_id),
        )
        .where(Course.id == course_id)
    )
    row = (await session.execute(query)).first()
    return (row[0], row[1]) if row else None


async def slug_taken(session: AsyncSession, slug: str, exclude: uuid.UUID | None = None) -> bool:
    query = select(Course.id).where(Course.slug == slug, Course.deleted_at.is_(None))
    if exclude is not None:
        query = query.where(Course.id != exclude)
    return await session.scalar(query.limit(1)) is not None


def _filtered(query: AnySelect, filters: CourseFilters, visible_to: uuid.UUID | None) -> AnySelect:
    query = query.where(
        Course.deleted_at.is_not(None) if filters.deleted else Course.deleted_at.is_(None)
    )
    if visible_to is not None:
        query = query.join(
            CourseMember,
            (CourseMember.course_id == Course.id) & (CourseMember.user_id == visible_to),
        )
    if filters.status is not None:
        query = query.where(Course.status == filters.status)
    if filters.owner_id is not None:
        query = query.where(Course.owner_id == filters.owner_id)
    if filters.q:
        query = query.where(func.lower(Course.title).like(contains_pattern(filters.q), escape="\\"))
    return query


async def list_courses(
    session: AsyncSession,
    page: PageParams,
    filters: CourseFilters,
    visible_to: uuid.UUID | None,
) -> tuple[list[Row[*tuple[Any, ...]]], int]:
    """A page of course summaries; `visible_to` limits it to that user's memberships."""
    total = await session.scalar(_filtered(select(func.count(Course.id)), filters, visible_to))
    rows = await session.execute(
        _filtered(select(*SUMMARY_COLUMNS), filters, visible_to)
        .order_by(*_ORDER[filters.sort])
        .offset(page.offset)
        .limit(page.page_size)
    )
    return list(rows.all()), int(total or 0)


async def list_members(session: AsyncSession, course_id: uuid.UUID) -> list[Row[*tuple[Any, ...]]]:
    query = (
        select(
            CourseMember.user_id,
            User.email,
            User.display_name,
            CourseMember.role,
            CourseMember.added_at,
        )
        .join(User, User.id == CourseMember.user_id)
        .where(CourseMember.course_id == course_id)
        .order_by(CourseMember.added_at, CourseMember.user_id)
    )
    return list((await session.execute(query)).all())


async def get_member(
    session: AsyncSession, course_id: uuid.UUID, user_id: uuid.UUID
) -> CourseMember | None:
    return await session.get(CourseMember, (course_id, user_id))


async def count_admin_members(session: AsyncSession, course_id: uuid.UUID) -> int:
    query = select(func.count()).where(
        CourseMember.course_id == course_id, CourseMember.role == Role.ADMIN
    )
    return int(await session.scalar(query) or 0)
