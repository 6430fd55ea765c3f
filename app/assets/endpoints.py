from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from app.assets import service
from app.assets.dependencies import MediaStoreDep
from app.assets.schemas import AssetRead
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.courses.dependencies import CanEditLessons, CanReadCourse

router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}/assets", tags=["assets"])

# Served bytes are only ever an image: never sniffed into HTML, never a document that runs.
CONTENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": AssetRead, "description": "The course already had this image"}},
)
async def upload_asset(
    access: CanEditLessons,
    session: SessionDep,
    settings: SettingsDep,
    store: MediaStoreDep,
    file: Annotated[UploadFile, File(description="A PNG, JPEG, GIF or WebP image")],
    response: Response,
) -> AssetRead:
    """An image for the course's lessons, which show it as `![text](assets/<name>)`."""
    data = await file.read(settings.max_asset_bytes + 1)
    asset, created = await service.upload(
        session, access, file.filename or "image", data, settings, store
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return AssetRead.model_validate(asset)


@router.get("")
async def list_assets(access: CanReadCourse, session: SessionDep) -> list[AssetRead]:
    return [AssetRead.model_validate(a) for a in await service.list_assets(session, access)]


@router.get(
    "/{name}",
    response_class=Response,
    responses={200: {"content": {"image/*": {}}, "description": "The image"}},
)
async def asset_content(
    name: str, access: CanReadCourse, session: SessionDep, store: MediaStoreDep
) -> Response:
    asset = await service.get_asset(session, access, name)
    data = await service.content(store, asset)
    return Response(data, media_type=asset.media_type, headers=CONTENT_HEADERS)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_asset(
    name: str, access: CanEditLessons, session: SessionDep, store: MediaStoreDep
) -> None:
    """Refused (409) while a lesson still shows the image."""
    await service.delete(session, access, name, store)
