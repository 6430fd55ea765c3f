"""The one permission matrix: which role may do what, globally and per course.

A user's rights on a course are the union of what their global role grants and what their
course membership grants. Global-only permissions ignore course memberships.
docs/permissions.md is generated from this module and the routes (`courzly permissions-doc`).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class Permission(StrEnum):
    # Global: granted by the user's global role only.
    USERS_MANAGE = "users:manage"
    AUDIT_READ = "audit:read"
    COURSES_CREATE = "courses:create"
    WEBHOOKS_MANAGE = "webhooks:manage"  # the organisation's webhook endpoints
    # Any signed-in user; the course list is filtered to what they can read.
    SELF = "self"
    COURSES_LIST = "courses:list"
    REVIEWS_LIST = "reviews:list"  # the reviewers' queue, filtered to readable courses
    # Course-scoped: global role or course membership.
    COURSE_READ = "course:read"
    COURSE_UPDATE = "course:update"
    COURSE_DELETE = "course:delete"
    MEMBERS_READ = "members:read"
    MEMBERS_MANAGE = "members:manage"
    LESSON_READ = "lesson:read"
    LESSON_EDIT = "lesson:edit"
    LESSON_DELETE = "lesson:delete"
    REVIEW_DECIDE = "review:decide"
    RUN_START = "run:start"  # start, fork and cancel workflow runs
    CHAT_SEND = "chat:send"
    EXPORT_CREATE = "export:create"  # downloading needs course:read only
    COURSE_WEBHOOKS = "course:webhooks"  # one course's webhook endpoints


GLOBAL_ONLY = frozenset(
    {
        Permission.USERS_MANAGE,
        Permission.AUDIT_READ,
        Permission.COURSES_CREATE,
        Permission.WEBHOOKS_MANAGE,
    }
)
ANY_USER = frozenset({Permission.SELF, Permission.COURSES_LIST, Permission.REVIEWS_LIST})

_READ = frozenset(
    {Permission.COURSE_READ, Permission.MEMBERS_READ, Permission.LESSON_READ} | ANY_USER
)

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _READ,
    Role.REVIEWER: _READ | {Permission.REVIEW_DECIDE, Permission.CHAT_SEND},
    Role.EDITOR: _READ
    | {
        Permission.COURSES_CREATE,
        Permission.COURSE_UPDATE,
        Permission.LESSON_EDIT,
        Permission.LESSON_DELETE,
        Permission.RUN_START,
        Permission.CHAT_SEND,
        Permission.EXPORT_CREATE,
    },
    Role.ADMIN: frozenset(Permission),
}


def granted(role: Role | None) -> frozenset[Permission]:
    return MATRIX[role] if role is not None else ANY_USER


def allows_globally(global_role: Role | None, permission: Permission) -> bool:
    return permission in granted(global_role)


def allows_on_course(
    global_role: Role | None, course_role: Role | None, permission: Permission
) -> bool:
    if permission in granted(global_role):
        return True
    return permission not in GLOBAL_ONLY and permission in granted(course_role)
