"""Exports as the API sees them: request one, list them, hand out a short-lived link."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.config import Settings
from app.core.after_commit import after_commit
from app.core.jobs import JobQueue
from app.courses.models import CourseStatus
from app.courses.service import CourseAccess
from app.exports import repository
from app.exports.errors import ExportNotFound, ExportNotReady, UnknownFormat
from app.exports.formats.all import FORMATS
from app.exports.jobs import file_name
from app.exports.models import Export, ExportStatus
from app.exports.schemas import DownloadLink
from app.exports.storage import storage_for


async def request_export(
    session: AsyncSession, access: CourseAccess, format_name: str, jobs: JobQueue
) -> Export:
    """A course not finally approved is exported as a draft, marked as such inside."""
    if format_name not in FORMATS:
        raise UnknownFormat(f"No format {format_name!r}; choose one of {sorted(FORMATS)}.")
    export = Export(
        course_id=access.course.id,
        format=format_name,
        status=ExportStatus.QUEUED,
        is_draft=access.course.status is not CourseStatus.APPROVED,
        requested_by=access.user.id,
    )
    session.add(export)
    await session.flush()
    await audit.record(
        session,
        actor_id=access.user.id,
        action="export.requested",
        entity_type="export",
        entity_id=export.id,
        after={"format": format_name, "draft": export.is_draft},
    )
    export_id = str(export.id)
    after_commit(
        session,
        lambda: jobs.enqueue("export.build", key=f"export:{export_id}", export_id=export_id),
    )
    return export


async def list_exports(session: AsyncSession, access: CourseAccess) -> list[Export]:
    return await repository.course_exports(session, access.course.id)


async def download_link(
    session: AsyncSession, access: CourseAccess, export_id: uuid.UUID, settings: Settings
) -> DownloadLink:
    export = await repository.get_export(session, export_id)
    if export is None or export.course_id != access.course.id:
        raise ExportNotFound
    if export.status is not ExportStatus.SUCCEEDED or export.storage_key is None:
        raise ExportNotReady(f"This export is {export.status.value}.")
    filename = file_name(access.course, export, FORMATS[export.format].extension)
    link = storage_for(settings).link(export.id, export.storage_key, filename)
    return DownloadLink(
        url=link.url, expires_at=datetime.fromtimestamp(link.expires_at, UTC), filename=filename
    )
