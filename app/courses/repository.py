from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Row, Select, Table, bindparam, func, select, true, update
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

# Sort key column and direction; the id breaks ties so pages never overlap.
_ORDER: dict[CourseSort, tuple[str, bool]] = {
    CourseSort.UPDATED_DESC: ("updated_at", True),
    CourseSort.UPDATED_ASC: ("updated_at", False),
    CourseSort.CREATED_DESC: ("created_at", True),
    CourseSort.CREATED_ASC: ("created_at", False),
    CourseSort.TITLE_ASC: ("title", False),
    CourseSort.TITLE_DESC: ("title", True),
}


def _ordering(columns: Any, sort: CourseSort) -> list[ColumnElement[Any]]:
    key, descending = _ORDER[sort]
    return [c.desc() if descending else c.asc() for c in (columns[key], columns["id"])]


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


@dataclass(frozen=True)
class _Shape:
    """Which filters a list query uses: its statements are built once per shape."""

    deleted: bool
    members_only: bool
    by_status: bool
    by_owner: bool
    by_title: bool
    sort: CourseSort


def _filtered(query: AnySelect, shape: _Shape) -> AnySelect:
    query = query.where(
        Course.deleted_at.is_not(None) if shape.deleted else Course.deleted_at.is_(None)
    )
    if shape.members_only:
        query = query.join(
            CourseMember,
            (CourseMember.course_id == Course.id)
            & (CourseMember.user_id == bindparam("visible_to")),
        )
    if shape.by_status:
        query = query.where(Course.status == bindparam("status"))
    if shape.by_owner:
        query = query.where(Course.owner_id == bindparam("owner_id"))
    if shape.by_title:
        query = query.where(func.lower(Course.title).like(bindparam("pattern"), escape="\\"))
    return query


@lru_cache(maxsize=256)
def _list_statement(shape: _Shape) -> Select[*tuple[Any, ...]]:
    """The total and one page in a single statement, built once per shape: building and
    executing SQLAlchemy statements costs more CPU than PostgreSQL spends running them."""
    total = _filtered(select(func.count(Course.id).label("total")), shape).cte("total")
    page = (
        _filtered(select(*SUMMARY_COLUMNS), shape)
        .order_by(*_ordering(Course.__table__.c, shape.sort))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
        .cte("page")
    )
    # From the total, LEFT JOIN the page: a page past the end still tells the total.
    return (
        select(total.c.total, *page.c)
        .select_from(total.outerjoin(page, true()))
        .order_by(*_ordering(page.c, shape.sort))
    )


async def list_courses(
    session: AsyncSession,
    page: PageParams,
    filters: CourseFilters,
    visible_to: uuid.UUID | None,
) -> tuple[list[Row[*tuple[Any, ...]]], int]:
    """A page of course summaries and the total; `visible_to` limits it to memberships."""
    shape = _Shape(
        deleted=filters.deleted,
        members_only=visible_to is not None,
        by_status=filters.status is not None,
        by_owner=filters.owner_id is not None,
        by_title=bool(filters.q),
        sort=filters.sort,
    )
    params = {
        "visible_to": visible_to,
        "status": filters.status,
        "owner_id": filters.owner_id,
        "pattern": contains_pattern(filters.q) if filters.q else None,
        "offset": page.offset,
        "limit": page.page_size,
    }
    rows = (await session.execute(_list_statement(shape), params)).all()
    total = int(rows[0].total) if rows else 0
    return [row for row in rows if row.id is not None], total


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


async def set_status(session: AsyncSession, course_id: uuid.UUID, status: CourseStatus) -> None:
    # A Core update: the workflow moving a course along is not an edit that should make an
    # author's open form stale (no version bump).
    table = cast(Table, Course.__table__)
    await session.execute(
        update(table).where(table.c.id == course_id).values(status=status, updated_at=func.now())
    )


async def readable_course_ids(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Courses the user has a membership on (global roles are handled by the caller)."""
    query = select(CourseMember.course_id).where(CourseMember.user_id == user_id)
    return list(await session.scalars(query))
