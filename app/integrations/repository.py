"""The SQL of the Drive integration."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.models import DriveSync, GoogleConnection, SyncStatus


async def connection(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> GoogleConnection | None:
    query = select(GoogleConnection).where(GoogleConnection.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def sync_for(
    session: AsyncSession, user_id: uuid.UUID, course_id: uuid.UUID, fmt: str, folder_id: str
) -> DriveSync | None:
    query = select(DriveSync).where(
        DriveSync.user_id == user_id,
        DriveSync.course_id == course_id,
        DriveSync.format == fmt,
        DriveSync.folder_id == folder_id,
    )
    return await session.scalar(query)


async def course_syncs(
    session: AsyncSession, user_id: uuid.UUID, course_id: uuid.UUID
) -> list[DriveSync]:
    query = (
        select(DriveSync)
        .where(DriveSync.user_id == user_id, DriveSync.course_id == course_id)
        .order_by(DriveSync.format, DriveSync.folder_name)
    )
    return list(await session.scalars(query))


async def follow_export(
    session: AsyncSession, course_id: uuid.UUID, fmt: str, export_id: uuid.UUID, now: datetime
) -> None:
    """Queue every sync kept up to date for this course and format with the new export."""
    await session.execute(
        update(DriveSync)
        .where(
            DriveSync.course_id == course_id,
            DriveSync.format == fmt,
            DriveSync.keep_synced.is_(true()),
        )
        .values(export_id=export_id, status=SyncStatus.QUEUED, error=None, updated_at=now)
    )


async def queued(session: AsyncSession, stale_before: datetime, limit: int) -> list[uuid.UUID]:
    """Queued syncs, and running ones not touched since `stale_before` (their worker died)."""
    stale = (DriveSync.status == SyncStatus.RUNNING) & (DriveSync.updated_at < stale_before)
    query = (
        select(DriveSync.id)
        .where((DriveSync.status == SyncStatus.QUEUED) | stale)
        .order_by(DriveSync.updated_at)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def all_connections(session: AsyncSession) -> list[GoogleConnection]:
    return list(await session.scalars(select(GoogleConnection).with_for_update()))
