from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import FileResponse

from app.assets.dependencies import MediaStoreDep
from app.auth.dependencies import CourseCreator, Public
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.courses.schemas import CourseRead
from app.exports import files, importer, service
from app.exports.dependencies import CanDownload, CanExport, JobsDep
from app.exports.document import CourseDocument
from app.exports.formats.all import FORMATS
from app.exports.schemas import DownloadLink, ExportCreate, ExportRead

router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}/exports", tags=["exports"])
import_router = APIRouter(prefix=f"{API_PREFIX}/courses", tags=["exports"])
files_router = APIRouter(prefix=f"{API_PREFIX}/exports", tags=["exports"], dependencies=[Public])


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def request_export(
    body: ExportCreate, access: CanExport, session: SessionDep, jobs: JobsDep
) -> ExportRead:
    """Queue an export; progress and the result arrive as events on the course channel."""
    return ExportRead.model_validate(
        await service.request_export(session, access, body.format, jobs)
    )


@router.get("")
async def list_exports(access: CanDownload, session: SessionDep) -> list[ExportRead]:
    return [ExportRead.model_validate(e) for e in await service.list_exports(session, access)]


@router.get("/formats")
async def list_formats(access: CanDownload) -> list[str]:
    return sorted(FORMATS)


@router.get("/{export_id}/download")
async def download(
    export_id: uuid.UUID, access: CanDownload, session: SessionDep, settings: SettingsDep
) -> DownloadLink:
    """A link that works for EXPORT_URL_TTL_SECONDS."""
    return await service.download_link(session, access, export_id, settings)


@files_router.get("/{export_id}/file", response_class=FileResponse)
async def export_file(
    export_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    expires: Annotated[int, Query(ge=0)],
    signature: Annotated[str, Query(min_length=64, max_length=64)],
) -> FileResponse:
    """A stored export, for whoever holds a valid link (the link is the permission)."""
    path, filename, media_type = await files.signed_file(
        session, settings, export_id, expires, signature
    )
    return FileResponse(path, media_type=media_type, filename=filename)


@import_router.post("/import", status_code=status.HTTP_201_CREATED)
async def import_course(
    document: CourseDocument,
    user: CourseCreator,
    session: SessionDep,
    settings: SettingsDep,
    media: MediaStoreDep,
    response: Response,
) -> CourseRead:
    """A Course JSON export, images included, as a new draft course of the caller's."""
    course = await importer.import_course(session, document, user, settings, media)
    response.headers["Location"] = f"{API_PREFIX}/courses/{course.id}"
    return CourseRead.model_validate(course)
