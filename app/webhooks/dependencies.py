"""Who manages which endpoints: global admins the organisation's, course admins their
course's. Both get the same operations, under two prefixes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from app.auth.dependencies import global_permission
from app.core.permissions import Permission
from app.courses.dependencies import course_access
from app.courses.service import CourseAccess
from app.users.models import User
from app.webhooks.service import Scope

ScopeDependency = Callable[..., Awaitable[Scope]]


async def organisation_scope(
    admin: Annotated[User, Depends(global_permission(Permission.WEBHOOKS_MANAGE))],
) -> Scope:
    return Scope(course_id=None, actor=admin)


async def course_scope(
    access: Annotated[CourseAccess, Depends(course_access(Permission.COURSE_WEBHOOKS))],
) -> Scope:
    return Scope(course_id=access.course.id, actor=access.user)
