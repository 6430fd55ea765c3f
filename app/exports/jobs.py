"""The `export.build` job: snapshot the course, render the format, store the file, tell the
course channel how far it got."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from app.assets.service import AssetFileMissing
from app.assets.store import MediaStore
from app.core.db import utcnow
from app.core.jobs import JobContext, job
from app.core.metrics import EXPORT_SECONDS
from app.courses.models import Course
from app.exports import repository
from app.exports.formats.all import FORMATS
from app.exports.models import Export, ExportStatus
from app.exports.sanitize import LessonTooLarge
from app.exports.snapshot import course_document
from app.exports.storage import storage_for
from app.realtime.events import EventType, append, emit, publish

log = logging.getLogger("courzly.exports")


def file_name(course: Course, export: Export, extension: str) -> str:
    return f"{course.slug}{'-draft' if export.is_draft else ''}.{extension}"


@job("export.build")
async def build_export(ctx: JobContext, *, export_id: str) -> None:
    async with ctx.sessions() as session:
        export = await repository.get_export(session, uuid.UUID(export_id))
        # Running means an earlier attempt died mid-way (jobs are keyed by export, so no
        # two attempts overlap): build again. Anything else was finished or is gone.
        if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return
        course = await session.get(Course, export.course_id)
        assert course is not None  # exports are deleted with their course
        export.status = ExportStatus.RUNNING
        await session.commit()

    async def progress(step: str, percent: int, **extra: Any) -> None:
        payload = {"export_id": export_id, "format": export.format, "step": step, **extra}
        await emit(
            ctx.sessions,
            ctx.redis,
            ctx.keys,
            course.id,
            None,
            EventType.EXPORT_PROGRESS,
            payload | {"percent": percent},
        )

    fmt = FORMATS[export.format]
    await progress("document", 10)
    try:
        async with ctx.sessions() as session:
            document = await course_document(session, course, MediaStore.of(ctx.settings))
    except (LessonTooLarge, AssetFileMissing) as exc:
        await _finish(ctx, export, course, error=str(exc))
        return
    await progress("render", 40)
    try:
        data = await asyncio.to_thread(fmt.render, document)  # CPU work, off the loop
    except Exception:
        # Rendering is deterministic: a retry would fail the same way, so say so now.
        log.exception("export rendering failed", extra={"export": export_id})
        reason = f"The {fmt.name} file could not be built; the error is in the worker's log."
        await _finish(ctx, export, course, error=reason)
        return
    await progress("store", 80)  # a storage error raises: the job queue retries it
    key = f"{course.id}/{export.id}/{file_name(course, export, fmt.extension)}"
    await storage_for(ctx.settings).put(key, data, fmt.media_type)
    await _finish(ctx, export, course, key=key, size=len(data))


async def _finish(
    ctx: JobContext,
    export: Export,
    course: Course,
    *,
    key: str | None = None,
    size: int | None = None,
    error: str | None = None,
) -> None:
    event_type = EventType.EXPORT_FAILED if error else EventType.EXPORT_READY
    payload = {"export_id": str(export.id), "format": export.format, "error": error, "size": size}
    async with ctx.sessions() as session:
        row = await repository.get_export(session, export.id)
        assert row is not None
        row.status = ExportStatus.FAILED if error else ExportStatus.SUCCEEDED
        row.storage_key, row.size_bytes, row.error = key, size, error
        row.finished_at = utcnow()
        # One transaction: the export is finished exactly when its event (and the webhook
        # messages, mail and Drive syncs it queues) exists.
        event = await append(session, course.id, None, event_type, payload)
        await session.commit()
        took = (row.finished_at - row.created_at).total_seconds()
        outcome = "failed" if error else "succeeded"
        EXPORT_SECONDS.labels(row.format, outcome).observe(max(took, 0.0))
    await publish(ctx.redis, ctx.keys, [event])
