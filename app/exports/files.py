"""Serving locally stored exports to holders of a signed link."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.courses.models import Course
from app.exports import repository
from app.exports.errors import ExportNotFound, LinkInvalid
from app.exports.formats.all import FORMATS
from app.exports.jobs import file_name
from app.exports.storage import LocalStorage, signature_valid, storage_for


async def signed_file(
    session: AsyncSession, settings: Settings, export_id: uuid.UUID, expires: int, signature: str
) -> tuple[Path, str, str]:
    if not signature_valid(settings.jwt_secret_value(), export_id, expires, signature):
        raise LinkInvalid
    storage = storage_for(settings)
    export = await repository.get_export(session, export_id)
    if not isinstance(storage, LocalStorage) or export is None or export.storage_key is None:
        raise ExportNotFound
    course = await session.get(Course, export.course_id)
    path = storage.path(export.storage_key)
    if course is None or not path.is_file():
        raise ExportNotFound("The file of this export is no longer stored.")
    fmt = FORMATS[export.format]
    return path, file_name(course, export, fmt.extension), fmt.media_type
