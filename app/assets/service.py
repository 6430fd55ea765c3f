"""Uploading, listing, serving and deleting course assets, and carrying them through
exports and imports."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.assets import repository
from app.assets.errors import AssetInUse, AssetNotFound, CourseAssetsFull
from app.assets.images import ImageInfo, inspect
from app.assets.models import CourseAsset
from app.assets.names import NAME_PATTERN, free_name, stem_of
from app.assets.store import MediaStore
from app.audit import service as audit
from app.config import Settings
from app.core.after_commit import after_commit
from app.core.errors import CourzlyError
from app.courses.models import Course
from app.courses.service import CourseAccess
from app.exports.document import Asset
from app.exports.errors import ImportRefused
from app.exports.sanitize import ASSET_PREFIX
from app.users.models import User

log = logging.getLogger("courzly.assets")
MISSING_FILE = (
    "The file of image {name} is missing from the media store (MEDIA_DIR); "
    "restore it from the media backup."
)


class AssetFileMissing(Exception):
    """An export cannot carry an image whose file is gone: it fails, saying which."""


async def upload(
    session: AsyncSession,
    access: CourseAccess,
    filename: str,
    data: bytes,
    settings: Settings,
    store: MediaStore,
) -> tuple[CourseAsset, bool]:
    """The new asset and True; or, for bytes the course already has, that asset and False
    (uploading the same image twice gives one asset)."""
    info = await asyncio.to_thread(inspect, data, settings.max_asset_bytes)
    return await _add(
        session, access.course, access.user, stem_of(filename), info, data, settings, store
    )


async def _add(
    session: AsyncSession,
    course: Course,
    user: User,
    stem: str,
    info: ImageInfo,
    data: bytes,
    settings: Settings,
    store: MediaStore,
    *,
    name: str | None = None,
) -> tuple[CourseAsset, bool]:
    await repository.lock_course_assets(session, course.id)
    existing = await repository.course_assets(session, course.id)
    digest = hashlib.sha256(data).hexdigest()
    if name is None:
        same = next((a for a in existing if a.sha256 == digest), None)
        if same is not None:
            return same, False
    total = sum(a.size_bytes for a in existing) + len(data)
    if total > settings.max_course_assets_bytes:
        raise CourseAssetsFull(
            f"The course's images would take {total} bytes; the limit per course is "
            f"{settings.max_course_assets_bytes} bytes (MAX_COURSE_ASSETS_BYTES). "
            "Delete images the lessons no longer show.",
            extra={"limit_bytes": settings.max_course_assets_bytes},
        )
    await store.put(course.id, digest, data)  # same name, same bytes: safe before commit
    asset = CourseAsset(
        course_id=course.id,
        name=name or free_name(stem, info.extension, {a.name for a in existing}),
        media_type=info.media_type,
        size_bytes=len(data),
        sha256=digest,
        width=info.width,
        height=info.height,
        uploaded_by=user.id,
    )
    session.add(asset)
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="asset.uploaded",
        entity_type="course_asset",
        entity_id=asset.id,
        after={"course_id": str(course.id), "name": asset.name, "size_bytes": len(data)},
    )
    return asset, True


async def list_assets(session: AsyncSession, access: CourseAccess) -> list[CourseAsset]:
    return await repository.course_assets(session, access.course.id)


async def get_asset(session: AsyncSession, access: CourseAccess, name: str) -> CourseAsset:
    found = None
    if NAME_PATTERN.fullmatch(name):
        found = await repository.asset_named(session, access.course.id, name)
    if found is None:
        raise AssetNotFound()
    return found


async def content(store: MediaStore, asset: CourseAsset) -> bytes:
    try:
        return await store.read(asset.course_id, asset.sha256)
    except FileNotFoundError as exc:
        log.error("asset file missing", extra={"asset": str(asset.id)})
        raise AssetNotFound(MISSING_FILE.format(name=asset.name)) from exc


async def delete(session: AsyncSession, access: CourseAccess, name: str, store: MediaStore) -> None:
    """Refused while a lesson still shows the image; the file goes once the row is gone."""
    asset = await get_asset(session, access, name)
    lessons = await repository.lessons_showing(session, asset.course_id, ASSET_PREFIX + name)
    if lessons:
        raise AssetInUse(
            f"Lessons still show {name}: {', '.join(lessons[:5])}"
            + (f" and {len(lessons) - 5} more" if len(lessons) > 5 else "")
            + ". Remove it from them first.",
            extra={"lessons": lessons},
        )
    await session.delete(asset)
    await audit.record(
        session,
        actor_id=access.user.id,
        action="asset.deleted",
        entity_type="course_asset",
        entity_id=asset.id,
        before={"course_id": str(asset.course_id), "name": name, "sha256": asset.sha256},
    )
    others = await repository.course_assets(session, asset.course_id)
    if not any(a.sha256 == asset.sha256 and a.id != asset.id for a in others):
        after_commit(session, lambda: store.remove(asset.course_id, asset.sha256))


async def for_export(session: AsyncSession, course_id: uuid.UUID, store: MediaStore) -> list[Asset]:
    """Every asset of the course, bytes included, as the Course JSON carries them."""
    found = []
    for asset in await repository.course_assets(session, course_id):
        try:
            data = await store.read(course_id, asset.sha256)
        except FileNotFoundError as exc:
            log.error("asset file missing", extra={"asset": str(asset.id)})
            raise AssetFileMissing(MISSING_FILE.format(name=asset.name)) from exc
        found.append(
            Asset(
                name=asset.name,
                media_type=asset.media_type,
                data_base64=base64.b64encode(data).decode(),
            )
        )
    return found


async def import_assets(
    session: AsyncSession,
    course: Course,
    assets: list[Asset],
    user: User,
    settings: Settings,
    store: MediaStore,
) -> None:
    """The assets of an imported Course JSON, under their own names (lessons use them).
    All are checked before any is stored: an unusable one refuses the whole import, with
    its name and the reason, and leaves nothing behind."""
    names = [a.name for a in assets]
    if len(set(names)) != len(names):
        raise ImportRefused("Asset names must be unique within the course.")
    checked = [await _imported(doc, settings) for doc in assets]
    total = sum(len(data) for _, data in checked)
    if total > settings.max_course_assets_bytes:
        raise ImportRefused(
            f"The course's images take {total} bytes; the limit per course is "
            f"{settings.max_course_assets_bytes} bytes (MAX_COURSE_ASSETS_BYTES)."
        )
    for doc, (info, data) in zip(assets, checked, strict=True):
        await _add(session, course, user, "", info, data, settings, store, name=doc.name)


async def _imported(doc: Asset, settings: Settings) -> tuple[ImageInfo, bytes]:
    if not NAME_PATTERN.fullmatch(doc.name):
        raise ImportRefused(
            f"Asset {doc.name[:100]!r} has a name Courzly does not use: lower-case letters, "
            "digits and dashes, then .png, .jpg, .gif or .webp."
        )
    try:
        data = base64.b64decode(doc.data_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImportRefused(f"Asset {doc.name} is not valid base64.") from exc
    try:
        info = await asyncio.to_thread(inspect, data, settings.max_asset_bytes)
    except CourzlyError as exc:
        raise ImportRefused(f"Asset {doc.name}: {exc.detail}") from exc
    if not doc.name.endswith(f".{info.extension}"):
        raise ImportRefused(
            f"Asset {doc.name} is a {info.media_type} file; its name says otherwise."
        )
    return info, data
