"""The SQL of the Drive integration."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.models import DriveSync, GoogleConnection, SyncStatus


async def connection(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> GoogleConnection | None:
    query = select(GoogleConnection).where(GoogleConnection.user_id == user_id)
    if for_update:
        # Locked, it is read afresh even when this session read it before the lock.
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def upsert_connection(session: AsyncSession, values: dict[str, Any]) -> GoogleConnection:
    """Insert the user's connection, or update the one there (what `values` names only):
    safe when two callbacks for one user both found no row."""
    insert_ = pg_insert(GoogleConnection).values(**values)
    query = insert_.on_conflict_do_update(
        index_elements=[GoogleConnection.user_id],
        set_={key: insert_.excluded[key] for key in values if key != "user_id"},
    ).returning(GoogleConnection)
    row = await session.scalar(query, execution_options={"populate_existing": True})
    assert row is not None  # an upsert always returns its row
    return row


async def delete_connection(
    session: AsyncSession, user_id: uuid.UUID, connected_at: datetime
) -> bool:
    """Delete the connection made at `connected_at`; False when it is gone, or was replaced
    by connecting again since."""
    result = await session.execute(
        delete(GoogleConnection)
        .where(GoogleConnection.user_id == user_id, GoogleConnection.connected_at == connected_at)
        .returning(GoogleConnection.user_id)
    )
    return result.first() is not None


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


async def reserve_file_id(session: AsyncSession, sync_id: uuid.UUID, file_id: str) -> None:
    await session.execute(
        update(DriveSync).where(DriveSync.id == sync_id).values(pending_file_id=file_id)
    )


async def forget_files(session: AsyncSession, user_id: uuid.UUID, error: str, now: datetime) -> int:
    """Every sync of the user loses its Drive file and stops following exports (the files
    are in another Google account now); returns how many."""
    result = await session.execute(
        update(DriveSync)
        .where(DriveSync.user_id == user_id)
        .values(
            file_id=None,
            pending_file_id=None,
            keep_synced=False,
            status=SyncStatus.FAILED,
            error=error,
            updated_at=now,
        )
        .returning(DriveSync.id)
    )
    return len(result.all())


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
