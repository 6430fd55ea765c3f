"""The SQL of notifications: the outbox, preferences, and who is told about a course."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, or_, select, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.permissions import Role
from app.courses.models import CourseMember
from app.notifications.models import Notification, NotificationPreference, NotificationStatus
from app.users.models import User


async def turned_off(session: AsyncSession, user_ids: list[uuid.UUID], kind: str) -> set[uuid.UUID]:
    if not user_ids:
        return set()
    query = select(NotificationPreference.user_id).where(
        NotificationPreference.user_id.in_(user_ids),
        NotificationPreference.kind.in_([kind, "all"]),
        NotificationPreference.enabled.is_(False),
    )
    return set(await session.scalars(query))


async def preferences(session: AsyncSession, user_id: uuid.UUID) -> dict[str, bool]:
    query = (
        select(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .execution_options(populate_existing=True)  # upserts bypass the identity map
    )
    return {p.kind: p.enabled for p in await session.scalars(query)}


async def set_preference(
    session: AsyncSession, user_id: uuid.UUID, kind: str, enabled: bool, now: datetime
) -> None:
    # An upsert: a mail client's one-click POST may race the user's own click.
    statement = insert(NotificationPreference).values(
        user_id=user_id, kind=kind, enabled=enabled, updated_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "kind"], set_={"enabled": enabled, "updated_at": now}
        )
    )


async def reviewers(session: AsyncSession, course_id: uuid.UUID) -> list[User]:
    """Who may decide this course's reviews: its reviewer and admin members, and the
    organisation's reviewers (admins see the queue but are not mailed about every course)."""
    members = select(CourseMember.user_id).where(
        CourseMember.course_id == course_id,
        CourseMember.role.in_([Role.REVIEWER, Role.ADMIN]),
    )
    query = select(User).where(
        User.is_active.is_(true()),
        or_(User.id.in_(members), User.role == Role.REVIEWER),
    )
    return list(await session.scalars(query))


async def due(session: AsyncSession, now: datetime, limit: int) -> list[uuid.UUID]:
    query = (
        select(Notification.id)
        .where(
            Notification.status == NotificationStatus.PENDING, Notification.next_attempt_at <= now
        )
        .order_by(Notification.next_attempt_at)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def purge_settled(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(
        delete(Notification).where(
            Notification.status != NotificationStatus.PENDING, Notification.created_at < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
