from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CourseCreator, CurrentUser
from app.core.api import API_PREFIX
from app.core.concurrency import IfMatch, etag, expected_version
from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.schemas import SearchText
from app.courses import service
from app.courses.dependencies import (
    CanDeleteCourse,
    CanManageMembers,
    CanReadCourse,
    CanReadMembers,
    CanRestoreCourse,
    CanUpdateCourse,
)
from app.courses.models import CourseStatus
from app.courses.repository import CourseFilters
from app.courses.schemas import (
    CourseCreate,
    CourseRead,
    CourseSort,
    CourseSummary,
    CourseUpdate,
    MemberRead,
    MemberUpsert,
)

router = APIRouter(prefix=f"{API_PREFIX}/courses", tags=["courses"])


@router.get("")
async def list_courses(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    q: Annotated[SearchText | None, Query(description="Search in titles")] = None,
    status: CourseStatus | None = None,
    owner_id: uuid.UUID | None = None,
    sort: CourseSort = CourseSort.UPDATED_DESC,
    deleted: Annotated[bool, Query(description="Admins: list deleted courses instead")] = False,
) -> Page[CourseSummary]:
    filters = CourseFilters(status=status, owner_id=owner_id, q=q, deleted=deleted, sort=sort)
    items, total = await service.list_courses(session, user, page, filters)
    return Page(items=items, page=page.page, page_size=page.page_size, total=total)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_course(
    body: CourseCreate,
    session: SessionDep,
    user: CourseCreator,
    response: Response,
) -> CourseRead:
    course = await service.create_course(session, body, user)
    response.headers["ETag"] = etag(course.version)
    response.headers["Location"] = f"/api/v1/courses/{course.id}"
    return CourseRead.model_validate(course)


@router.get("/{course_id}")
async def get_course(access: CanReadCourse, response: Response) -> CourseRead:
    response.headers["ETag"] = etag(access.course.version)
    return CourseRead.model_validate(access.course)


@router.patch("/{course_id}")
async def update_course(
    body: CourseUpdate,
    access: CanUpdateCourse,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> CourseRead:
    version = expected_version(if_match, body.version)
    course = await service.update_course(session, access, body, version)
    response.headers["ETag"] = etag(course.version)
    return CourseRead.model_validate(course)


@router.delete("/{course_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_course(access: CanDeleteCourse, session: SessionDep) -> None:
    await service.delete_course(session, access)


@router.post("/{course_id}/restore")
async def restore_course(access: CanRestoreCourse, session: SessionDep) -> CourseRead:
    return CourseRead.model_validate(await service.restore_course(session, access))


@router.get("/{course_id}/members")
async def list_members(access: CanReadMembers, session: SessionDep) -> list[MemberRead]:
    return await service.list_members(session, access)


@router.put("/{course_id}/members/{user_id}")
async def set_member(
    user_id: uuid.UUID,
    body: MemberUpsert,
    access: CanManageMembers,
    session: SessionDep,
) -> MemberRead:
    return await service.set_member(session, access, user_id, body.role)


@router.delete("/{course_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(user_id: uuid.UUID, access: CanManageMembers, session: SessionDep) -> None:
    await service.remove_member(session, access, user_id)
