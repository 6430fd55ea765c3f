"""The course-scoped half of the permission matrix, as one dependency factory."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends

from app.auth.dependencies import Authenticated
from app.core.access import AccessRule, mark
from app.core.db import SessionDep
from app.core.permissions import Permission
from app.courses import service
from app.courses.service import CourseAccess


def course_access(
    permission: Permission, *, include_deleted: bool = False
) -> Callable[..., Awaitable[CourseAccess]]:
    @mark(AccessRule("course", permission, include_deleted))
    async def dependency(
        course_id: uuid.UUID, principal: Authenticated, session: SessionDep
    ) -> CourseAccess:
        return await service.authorize(
            session, principal.user, course_id, permission, include_deleted=include_deleted
        )

    return dependency


def _require(permission: Permission, include_deleted: bool = False) -> Any:
    return Depends(course_access(permission, include_deleted=include_deleted))


CanReadCourse = Annotated[CourseAccess, _require(Permission.COURSE_READ)]
CanUpdateCourse = Annotated[CourseAccess, _require(Permission.COURSE_UPDATE)]
CanDeleteCourse = Annotated[CourseAccess, _require(Permission.COURSE_DELETE)]
CanRestoreCourse = Annotated[CourseAccess, _require(Permission.COURSE_DELETE, True)]
CanReadMembers = Annotated[CourseAccess, _require(Permission.MEMBERS_READ)]
CanManageMembers = Annotated[CourseAccess, _require(Permission.MEMBERS_MANAGE)]
CanReadLessons = Annotated[CourseAccess, _require(Permission.LESSON_READ)]
CanEditLessons = Annotated[CourseAccess, _require(Permission.LESSON_EDIT)]
CanDeleteLessons = Annotated[CourseAccess, _require(Permission.LESSON_DELETE)]
