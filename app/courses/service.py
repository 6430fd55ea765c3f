"""Courses: creation, listing, optimistic updates, soft delete and restore, membership."""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core.concurrency import check_version, flush_versioned
from app.core.db import utcnow
from app.core.errors import Forbidden
from app.core.pagination import PageParams
from app.core.permissions import Permission, Role, allows_globally, allows_on_course
from app.courses import repository
from app.courses.errors import CourseNotFound, LastCourseAdmin, MemberNotFound, SlugTaken
from app.courses.models import Course, CourseMember, CourseStatus
from app.courses.repository import CourseFilters
from app.courses.schemas import CourseCreate, CourseSummary, CourseUpdate, MemberRead
from app.users import service as users
from app.users.models import User

# One validator for the whole page: cheaper than a model_validate call per row.
_SUMMARIES = TypeAdapter(list[CourseSummary])


@dataclass(frozen=True)
class CourseAccess:
    course: Course
    user: User
    course_role: Role | None


def snapshot(course: Course) -> dict[str, Any]:
    return {
        "title": course.title,
        "slug": course.slug,
        "language": course.language,
        "status": course.status.value,
        "brief": course.brief,
        "version": course.version,
        "deleted_at": course.deleted_at.isoformat() if course.deleted_at else None,
    }


async def authorize(
    session: AsyncSession,
    user: User,
    course_id: uuid.UUID,
    permission: Permission,
    *,
    include_deleted: bool = False,
) -> CourseAccess:
    """404 when the caller has no standing on the course (its existence is not revealed),
    403 when they can see it but lack the permission."""
    found = await repository.get_with_role(session, course_id, user.id)
    if found is None:
        raise CourseNotFound
    course, course_role = found
    can_see = allows_on_course(user.role, course_role, Permission.COURSE_READ)
    if not can_see or (course.deleted_at is not None and not include_deleted):
        raise CourseNotFound
    if not allows_on_course(user.role, course_role, permission):
        raise Forbidden
    return CourseAccess(course, user, course_role)


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:100].strip("-")
    return slug or "course"


async def _free_slug(session: AsyncSession, wanted: str | None, title: str) -> str:
    if wanted is not None:
        if await repository.slug_taken(session, wanted):
            raise SlugTaken
        return wanted
    base = slugify(title)
    slug = base
    while await repository.slug_taken(session, slug):
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


async def create_course(session: AsyncSession, data: CourseCreate, owner: User) -> Course:
    course = Course(
        title=data.title,
        slug=await _free_slug(session, data.slug, data.title),
        language=data.language,
        brief=data.brief.model_dump(mode="json"),
        owner_id=owner.id,
    )
    session.add(course)
    await session.flush()
    session.add(CourseMember(course_id=course.id, user_id=owner.id, role=Role.ADMIN))
    await audit.record(
        session,
        actor_id=owner.id,
        action="course.created",
        entity_type="course",
        entity_id=course.id,
        after=snapshot(course),
    )
    return course


async def list_courses(
    session: AsyncSession, user: User, page: PageParams, filters: CourseFilters
) -> tuple[list[CourseSummary], int]:
    if filters.deleted and user.role is not Role.ADMIN:
        raise Forbidden("Only admins can list deleted courses.")
    # An organisation-wide role sees every course; others see their memberships.
    visible_to = None if user.role is not None else user.id
    rows, total = await repository.list_courses(session, page, filters, visible_to)
    return _SUMMARIES.validate_python(rows, from_attributes=True), total


async def update_course(
    session: AsyncSession, access: CourseAccess, data: CourseUpdate, expected_version: int
) -> Course:
    course = access.course
    check_version(course.version, expected_version)
    before = snapshot(course)
    changes = data.model_dump(exclude_unset=True, exclude={"version"}, mode="json")
    new_slug = changes.get("slug")
    if (
        new_slug
        and new_slug != course.slug
        and await repository.slug_taken(session, new_slug, exclude=course.id)
    ):
        raise SlugTaken
    for field, value in changes.items():
        setattr(course, field, value)
    await _save_change(session, access, "course.updated", before)
    return course


async def delete_course(session: AsyncSession, access: CourseAccess) -> None:
    course = access.course
    before = snapshot(course)
    course.deleted_at = utcnow()
    await _save_change(session, access, "course.deleted", before)


async def restore_course(session: AsyncSession, access: CourseAccess) -> Course:
    course = access.course
    if course.deleted_at is None:
        return course
    if await repository.slug_taken(session, course.slug, exclude=course.id):
        raise SlugTaken("A live course took this slug meanwhile; rename that one first.")
    before = snapshot(course)
    course.deleted_at = None
    await _save_change(session, access, "course.restored", before)
    return course


async def _save_change(
    session: AsyncSession, access: CourseAccess, action: str, before: dict[str, Any]
) -> None:
    """Write the edited course (a 409 if someone else saved first) and its audit row."""
    course = access.course
    await flush_versioned(session, course)
    await audit.record(
        session,
        actor_id=access.user.id,
        action=action,
        entity_type="course",
        entity_id=course.id,
        before=before,
        after=snapshot(course),
    )


async def list_members(session: AsyncSession, access: CourseAccess) -> list[MemberRead]:
    rows = await repository.list_members(session, access.course.id)
    return [MemberRead.model_validate(row) for row in rows]


async def set_member(
    session: AsyncSession, access: CourseAccess, user_id: uuid.UUID, role: Role
) -> MemberRead:
    member_user = await users.get_user(session, user_id)
    course_id = access.course.id
    member = await repository.get_member(session, course_id, user_id)
    before = {"role": member.role.value} if member else None
    if member is None:
        member = CourseMember(
            course_id=course_id, user_id=user_id, role=role, added_by=access.user.id
        )
        session.add(member)
    else:
        if member.role is Role.ADMIN and role is not Role.ADMIN:
            await _keep_an_admin(session, course_id)
        member.role = role
    await session.flush()
    await audit.record(
        session,
        actor_id=access.user.id,
        action="course.member_set",
        entity_type="course",
        entity_id=course_id,
        before=before and {"user_id": str(user_id), **before},
        after={"user_id": str(user_id), "role": role.value},
    )
    return MemberRead(
        user_id=user_id,
        email=member_user.email,
        display_name=member_user.display_name,
        role=member.role,
        added_at=member.added_at,
    )


async def remove_member(session: AsyncSession, access: CourseAccess, user_id: uuid.UUID) -> None:
    course_id = access.course.id
    member = await repository.get_member(session, course_id, user_id)
    if member is None:
        raise MemberNotFound
    if member.role is Role.ADMIN:
        await _keep_an_admin(session, course_id)
    await session.delete(member)
    await session.flush()
    await audit.record(
        session,
        actor_id=access.user.id,
        action="course.member_removed",
        entity_type="course",
        entity_id=course_id,
        before={"user_id": str(user_id), "role": member.role.value},
    )


async def _keep_an_admin(session: AsyncSession, course_id: uuid.UUID) -> None:
    if await repository.count_admin_members(session, course_id) <= 1:
        raise LastCourseAdmin


async def set_status(session: AsyncSession, course_id: uuid.UUID, status: CourseStatus) -> None:
    """The workflow engine moving a course along (generating, in review, approved)."""
    await repository.set_status(session, course_id, status)


async def set_brief(session: AsyncSession, course: Course, brief: dict[str, Any]) -> None:
    """The brief a run starts from is kept on the course (the next run starts from it)."""
    course.brief = brief
    await session.flush()


async def readable_course_ids(session: AsyncSession, user: User) -> list[uuid.UUID] | None:
    """The courses a user may read: None when their global role reads every course."""
    if allows_globally(user.role, Permission.COURSE_READ):
        return None
    return await repository.readable_course_ids(session, user.id)


async def lock(session: AsyncSession, course: Course) -> None:
    """Row-lock a course for the rest of the transaction (and reload it: a writer that held
    the lock before us may have changed it)."""
    await session.refresh(course, with_for_update={"key_share": True})
