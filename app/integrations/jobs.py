"""`drive.sync`: upload a finished export to the Drive file kept for its course and format
(created the first time, updated in place after), and say how it went on the sync row."""

from __future__ import annotations

import asyncio
import logging
import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.core.errors import CourzlyError
from app.core.jobs import JobContext, job
from app.core.metrics import DRIVE_SYNCS
from app.courses.models import Course
from app.exports.formats import Format
from app.exports.formats.all import FORMATS
from app.exports.jobs import file_name
from app.exports.models import Export
from app.exports.storage import storage_for
from app.integrations import repository, service
from app.integrations.google.drive import DriveClient, DriveFile
from app.integrations.google.errors import GoogleUnavailable
from app.integrations.google.transport import google_client
from app.integrations.models import DriveSync, SyncStatus

log = logging.getLogger("courzly.drive")
JOB = "drive.sync"
TRIES = 3  # Google busy or away: a few quick tries, then the author is told to try again
DISPATCH_BATCH = 50


@job(JOB)
async def sync_export(ctx: JobContext, *, sync_id: str) -> str:
    async with ctx.sessions() as session:
        sync = await session.get(DriveSync, uuid.UUID(sync_id), with_for_update=True)
        if sync is None or sync.status is not SyncStatus.QUEUED or sync.export_id is None:
            return "gone" if sync is None else sync.status.value
        export = await session.get(Export, sync.export_id)
        course = await session.get(Course, sync.course_id)
        if export is None or export.storage_key is None or course is None:
            sync.status, sync.error = SyncStatus.FAILED, "The export is no longer available."
            await session.commit()
            return sync.status.value
        sync.status = SyncStatus.RUNNING
        key, fmt = export.storage_key, FORMATS[export.format]
        name = file_name(course, export, fmt.extension)
        await session.commit()

    data = await storage_for(ctx.settings).get(key)
    outcome, error, uploaded = SyncStatus.FAILED, None, None
    async with google_client() as client:
        for attempt in range(1, TRIES + 1):
            async with ctx.sessions() as session:
                sync = await session.get(DriveSync, uuid.UUID(sync_id))
                assert sync is not None
                try:
                    uploaded = await _upload(ctx, session, client, sync, name, data, fmt)
                    outcome = SyncStatus.SYNCED
                except GoogleUnavailable as exc:
                    error = exc.detail
                    await session.commit()  # refreshed tokens are kept either way
                    if attempt < TRIES:
                        await asyncio.sleep(min(exc.retry_after or 2**attempt, 30))
                        continue
                except CourzlyError as exc:  # refused for good: folder gone, Drive full...
                    error = exc.detail
                _finish(sync, outcome, error, uploaded)
                await session.commit()
                break
    DRIVE_SYNCS.labels(outcome.value).inc()
    log.info("drive sync finished", extra={"sync": sync_id, "status": outcome.value})
    return outcome.value


async def _upload(
    ctx: JobContext,
    session: AsyncSession,
    client: httpx.AsyncClient,
    sync: DriveSync,
    name: str,
    data: bytes,
    fmt: Format,
) -> DriveFile:
    folder_id, file_id = sync.folder_id, sync.file_id

    async def upload(drive: DriveClient) -> DriveFile:
        return await drive.upload(
            name=name, data=data, media_type=fmt.media_type, folder_id=folder_id, file_id=file_id
        )

    return await service.with_drive(session, ctx.settings, client, sync.user_id, upload)


def _finish(
    sync: DriveSync, outcome: SyncStatus, error: str | None, uploaded: DriveFile | None
) -> None:
    sync.status, sync.updated_at = outcome, utcnow()
    if outcome is SyncStatus.SYNCED and uploaded is not None:
        sync.file_id, sync.file_name, sync.web_link = (
            uploaded.id,
            uploaded.name,
            uploaded.web_view_link,
        )
        sync.synced_at, sync.error = utcnow(), None
    else:
        sync.error = error or "Google Drive did not take the file."


async def dispatch_due(ctx: JobContext) -> int:
    async with ctx.sessions() as session:
        queued = await repository.queued(session, DISPATCH_BATCH)
    for sync_id in queued:
        await ctx.queue.enqueue(JOB, key=f"drive:{sync_id}", job_timeout=900, sync_id=str(sync_id))
    return len(queued)
