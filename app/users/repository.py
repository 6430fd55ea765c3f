from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import PageParams
from app.core.permissions import Role
from app.core.search import contains_pattern
from app.users.models import User


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    result: User | None = await session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower())
    )
    return result


async def count_active_admins(session: AsyncSession) -> int:
    query = select(func.count()).where(User.role == Role.ADMIN, User.is_active.is_(True))
    return int(await session.scalar(query) or 0)


async def list_users(
    session: AsyncSession,
    page: PageParams,
    *,
    q: str | None,
    role: Role | None,
    is_active: bool | None,
) -> tuple[list[User], int]:
    query = select(User)
    if q:
        pattern = contains_pattern(q)
        query = query.where(
            func.lower(User.email).like(pattern, escape="\\")
            | func.lower(User.display_name).like(pattern, escape="\\")
        )
    if role is not None:
        query = query.where(User.role == role)
    if is_active is not None:
        query = query.where(User.is_active.is_(is_active))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(User.created_at, User.id).offset(page.offset).limit(page.page_size)
    )
    return list(rows), int(total or 0)
