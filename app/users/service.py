"""User accounts, managed by admins."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import service as auth
from app.core import security
from app.core.concurrency import check_version, flush_versioned
from app.core.db import utcnow
from app.core.pagination import PageParams
from app.core.permissions import Role
from app.users import repository
from app.users.errors import EmailTaken, LastAdmin, UserNotFound
from app.users.models import User
from app.users.schemas import UserCreate, UserUpdate


def snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user (never the password hash)."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value if user.role else None,
        "is_active": user.is_active,
        "version": user.version,
    }


async def create_user(session: AsyncSession, data: UserCreate, actor_id: uuid.UUID | None) -> User:
    if await repository.get_by_email(session, data.email):
        raise EmailTaken
    user = User(
        email=data.email.strip().lower(),
        display_name=data.display_name,
        password_hash=security.hash_password(data.password),
        role=data.role,
        password_changed_at=utcnow(),
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.created",
        entity_type="user",
        entity_id=user.id,
        after=snapshot(user),
    )
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await repository.get(session, user_id)
    if user is None:
        raise UserNotFound
    return user


async def list_users(
    session: AsyncSession,
    page: PageParams,
    *,
    q: str | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
) -> tuple[list[User], int]:
    return await repository.list_users(session, page, q=q, role=role, is_active=is_active)


async def update_user(
    session: AsyncSession,
    user_id: uuid.UUID,
    data: UserUpdate,
    expected_version: int,
    actor_id: uuid.UUID,
) -> User:
    user = await get_user(session, user_id)
    check_version(user.version, expected_version)
    before = snapshot(user)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    losing_admin = (
        user.role is Role.ADMIN
        and user.is_active
        and (
            ("role" in changes and changes["role"] is not Role.ADMIN)
            or changes.get("is_active") is False
        )
    )
    if losing_admin and await repository.count_active_admins(session) <= 1:
        raise LastAdmin
    for field, value in changes.items():
        setattr(user, field, value)
    await flush_versioned(session, user)
    if changes.get("is_active") is False:
        await auth.revoke_all_sessions(session, user.id, "deactivated")
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.updated",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after=snapshot(user),
    )
    return user


async def ensure_admin(session: AsyncSession, email: str, password: str) -> tuple[User, bool]:
    """The first admin account; returns (user, created). Never changes an existing account."""
    existing = await repository.get_by_email(session, email)
    if existing is not None:
        return existing, False
    data = UserCreate(email=email, display_name="Administrator", password=password, role=Role.ADMIN)
    return await create_user(session, data, actor_id=None), True


async def any_admin(session: AsyncSession) -> bool:
    return await repository.count_active_admins(session) > 0
