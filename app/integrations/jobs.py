"""`drive.sync`: upload a finished export to the Drive file kept for its course and format
(created the first time, updated in place after), and say how it went on the sync row."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.core.errors import CourzlyError
from app.core.jobs import JobContext, job
from app.core.metrics import DRIVE_SYNCS
from app.core.outbox import Dispatched
from app.core.permissions import Permission
from app.courses import service as courses
from app.courses.models import Course
from app.exports.formats import Format
from app.exports.formats.all import FORMATS
from app.exports.jobs import file_name
from app.exports.models import Export
from app.exports.storage import storage_for
from app.integrations import repository
from app.integrations.google.drive import DriveClient, DriveFile
from app.integrations.google.errors import GoogleUnavailable
from app.integrations.google.transport import google_client
from app.integrations.models import DriveSync, SyncStatus
from app.integrations.tokens import GoogleContext, with_drive
from app.users.models import User

log = logging.getLogger("courzly.drive")
JOB = "drive.sync"
TRIES = 3  # Google busy or away: a few quick tries, then the author is told to try again
BACKOFF_SECONDS = 1.0  # doubled for each try
DISPATCH_BATCH = 50
JOB_TIMEOUT_SECONDS = 900
# Running this long, its worker is gone (the job's own timeout has passed).
STALE_AFTER = timedelta(seconds=JOB_TIMEOUT_SECONDS + 60)


@job(JOB)
async def sync_export(ctx: JobContext, *, sync_id: str) -> str:
    prepared = await _start(ctx, uuid.UUID(sync_id))
    if isinstance(prepared, str):
        return prepared
    export_id, key, name, fmt = prepared
    outcome, error, uploaded = SyncStatus.FAILED, None, None
    try:
        data = await storage_for(ctx.settings).get(key)
    except Exception:  # the stored file is unreadable: no retry will find it
        log.exception("drive sync could not read the export", extra={"sync": sync_id})
        data, error = None, "The export file could not be read; the error is in the worker's log."
    async with google_client() as client:
        google = GoogleContext(ctx.settings, client, ctx.sessions)
        for attempt in range(1, TRIES + 1 if data is not None else 1):
            try:
                uploaded = await _upload(ctx, google, uuid.UUID(sync_id), name, data or b"", fmt)
            except GoogleUnavailable as exc:
                error = exc.detail
                if attempt < TRIES:
                    pause = exc.retry_after or BACKOFF_SECONDS * 2**attempt
                    await asyncio.sleep(min(pause, 30))
                    continue
            except CourzlyError as exc:  # refused for good: folder gone, Drive full...
                error = exc.detail
            else:
                if uploaded is None:
                    return "gone"
                outcome = SyncStatus.SYNCED
            break
    async with ctx.sessions() as session:
        sync = await session.get(DriveSync, uuid.UUID(sync_id), with_for_update=True)
        if sync is None:
            return "gone"
        _finish(sync, export_id, outcome, error, uploaded)
        await session.commit()
        status = sync.status.value
    DRIVE_SYNCS.labels(outcome.value).inc()
    log.info("drive sync finished", extra={"sync": sync_id, "status": status})
    return status


async def _start(ctx: JobContext, sync_id: uuid.UUID) -> str | tuple[uuid.UUID, str, str, Format]:
    """Mark the sync running and say what to upload; or the status to stop with. Running
    means an earlier attempt died mid-way (the job key keeps two from overlapping): go."""
    async with ctx.sessions() as session:
        sync = await session.get(DriveSync, sync_id, with_for_update=True)
        if sync is None:
            return "gone"
        if sync.status not in (SyncStatus.QUEUED, SyncStatus.RUNNING) or sync.export_id is None:
            return sync.status.value
        export = await session.get(Export, sync.export_id)
        refusal = await _refusal(session, sync, export)
        if refusal is not None or export is None or export.storage_key is None:
            sync.status, sync.error = SyncStatus.FAILED, refusal
            sync.keep_synced = sync.keep_synced and refusal is None
            await session.commit()
            return sync.status.value
        course = await session.get(Course, sync.course_id)
        assert course is not None  # syncs are deleted with their course
        sync.status, sync.updated_at = SyncStatus.RUNNING, utcnow()
        fmt = FORMATS[export.format]
        prepared = (export.id, export.storage_key, file_name(course, export, fmt.extension), fmt)
        await session.commit()
        return prepared


async def _refusal(session: AsyncSession, sync: DriveSync, export: Export | None) -> str | None:
    """Why this sync may not go ahead: its export is gone, or its owner may no longer read
    the course (left it, or was deactivated), which also ends keeping it in sync."""
    if export is None or export.storage_key is None:
        return "The export is no longer available."
    user = await session.get(User, sync.user_id)
    if user is None or not user.is_active:
        return "Your account is no longer active."
    try:
        await courses.authorize(session, user, sync.course_id, Permission.COURSE_READ)
    except CourzlyError:
        return "You no longer have access to this course."
    return None


async def _upload(
    ctx: JobContext,
    google: GoogleContext,
    sync_id: uuid.UUID,
    name: str,
    data: bytes,
    fmt: Format,
) -> DriveFile | None:
    """The file as Drive now holds it; None when the sync was deleted. No transaction is
    open while Drive takes the file (see `GoogleContext`)."""
    async with ctx.sessions() as session:
        sync = await session.get(DriveSync, sync_id)
        if sync is None:
            return None
        user_id, folder_id, file_id = sync.user_id, sync.folder_id, sync.file_id
        reserved = sync.pending_file_id

    async def reserve(drive: DriveClient, spent: str | None) -> str:
        """The id to create the file under, committed to the sync row before the create
        is sent: whatever happens to its answer, the next try creates under the same id
        and Google's 409 says the file is there already."""
        nonlocal reserved
        if reserved is not None and reserved != spent:
            return reserved
        (reserved,) = await drive.generate_ids(1)
        async with ctx.sessions() as session:
            await repository.reserve_file_id(session, sync_id, reserved)
            await session.commit()
        return reserved

    async def upload(drive: DriveClient) -> DriveFile:
        return await drive.upload(
            name=name,
            data=data,
            media_type=fmt.media_type,
            folder_id=folder_id,
            file_id=file_id,
            reserve_id=lambda spent: reserve(drive, spent),
        )

    return await with_drive(google, user_id, upload)


def _finish(
    sync: DriveSync,
    export_id: uuid.UUID,
    outcome: SyncStatus,
    error: str | None,
    uploaded: DriveFile | None,
) -> None:
    if uploaded is not None:  # the file to update next time, whatever happens now
        sync.file_id, sync.file_name, sync.web_link = (
            uploaded.id,
            uploaded.name,
            uploaded.web_view_link,
        )
        if sync.pending_file_id == uploaded.id:
            sync.pending_file_id = None  # used: the next create needs a new one
    if sync.export_id != export_id and sync.status is SyncStatus.QUEUED:
        return  # a newer export was queued meanwhile: it goes next, into the same file
    sync.status, sync.updated_at = outcome, utcnow()
    if outcome is SyncStatus.SYNCED:
        sync.synced_at, sync.error = utcnow(), None
    else:
        sync.error = error or "Google Drive did not take the file."


async def dispatch_due(ctx: JobContext) -> Dispatched:
    """Queue the job of every queued sync, and of any left running by a dead worker."""
    async with ctx.sessions() as session:
        queued = await repository.queued(session, utcnow() - STALE_AFTER, DISPATCH_BATCH)
    for sync_id in queued:
        await ctx.queue.enqueue(
            JOB, key=f"drive:{sync_id}", job_timeout=JOB_TIMEOUT_SECONDS, sync_id=str(sync_id)
        )
    return Dispatched(queued=len(queued))  # keyed per entry: a refused one is being sent
