"""Google Drive: the user's connection and folder (/integrations/drive), and syncing a
course's exports to it (/courses/{course_id}/…)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Cookie, Query, Response, status
from fastapi.responses import RedirectResponse

from app.auth.dependencies import CurrentUser, Public
from app.core.api import API_PREFIX
from app.core.db import SessionDep, WriteSessionDep
from app.core.dependencies import SettingsDep
from app.core.errors import CourzlyError
from app.exports.dependencies import CanDownload
from app.integrations import service
from app.integrations.dependencies import GoogleDep, RedisDep
from app.integrations.google.oauth import CALLBACK_PATH
from app.integrations.schemas import (
    ConnectStarted,
    DriveStatus,
    DriveSyncRead,
    FolderChoice,
    FolderCreate,
    FolderPage,
    FolderRead,
    SyncRequest,
)

log = logging.getLogger("courzly.drive")
router = APIRouter(prefix=f"{API_PREFIX}/integrations/drive", tags=["integrations"])
course_router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}", tags=["integrations"])
SETTINGS_PAGE = "/settings/integrations"


@router.get("")
async def drive_status(
    user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> DriveStatus:
    return service.status(settings, await service.connection_of(session, user))


@router.post("/connect")
async def connect(
    user: CurrentUser, settings: SettingsDep, redis: RedisDep, response: Response
) -> ConnectStarted:
    """Starts the Google consent flow: open `authorization_url` in this browser; Google
    returns to the callback, which comes back to the settings page."""
    flow = await service.start_connect(settings, redis.redis, redis.keys, user)
    response.set_cookie(
        service.FLOW_COOKIE,
        flow.browser_nonce,
        max_age=service.FLOW_TTL_SECONDS,
        path=CALLBACK_PATH,
        httponly=True,
        secure=settings.base_url.startswith("https://"),
        samesite="lax",  # sent on Google's top-level redirect back, not on cross-site posts
    )
    return ConnectStarted(authorization_url=flow.authorization_url)


@router.get("/callback", response_class=RedirectResponse, dependencies=[Public])
async def callback(
    session: WriteSessionDep,  # a GET that writes: a real transaction, not autocommit
    settings: SettingsDep,
    redis: RedisDep,
    google: GoogleDep,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
    flow_cookie: Annotated[str | None, Cookie(alias=service.FLOW_COOKIE)] = None,
) -> RedirectResponse:
    """Where Google sends the browser back. Always answers with a redirect to the settings
    page, saying whether Drive is now connected or why not."""
    outcome: dict[str, str] = {"drive": "connected"}
    if error or not state or not code:
        reason = (
            "You did not allow access."
            if error == "access_denied"
            else "Google did not finish the sign-in."
        )
        outcome = {"drive": "error", "reason": reason}
    else:
        try:
            await service.finish_connect(
                session,
                google,
                redis.redis,
                redis.keys,
                state=state,
                code=code,
                browser_nonce=flow_cookie,
            )
            await session.commit()
        except service.FlowRefused as exc:
            outcome = {"drive": "error", "reason": str(exc)}
        except CourzlyError as exc:
            await session.rollback()
            outcome = {"drive": "error", "reason": exc.detail}
    answer = RedirectResponse(f"{settings.base_url}{SETTINGS_PAGE}?{urlencode(outcome)}", 303)
    answer.delete_cookie(service.FLOW_COOKIE, path=CALLBACK_PATH)
    return answer


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect(user: CurrentUser, session: SessionDep, google: GoogleDep) -> None:
    """Revokes Courzly's access at Google, then forgets the tokens (503 when Google cannot
    be reached, or this server cannot read the tokens: the connection stays, try again)."""
    await service.disconnect(session, google, user)


@router.get("/folders")
async def list_folders(
    user: CurrentUser,
    session: SessionDep,
    google: GoogleDep,
    name: Annotated[str | None, Query(max_length=200)] = None,
    page_token: Annotated[str | None, Query(max_length=500)] = None,
) -> FolderPage:
    """Folders Courzly may use. Courzly asks Google for access to the files it creates
    only (the `drive.file` scope), so these are the folders made here."""
    folders, next_token = await service.list_folders(session, google, user, name, page_token)
    return FolderPage(
        folders=[FolderRead(id=f.id, name=f.name, web_view_link=f.web_view_link) for f in folders],
        next_page_token=next_token,
    )


@router.post("/folders", status_code=status.HTTP_201_CREATED)
async def create_folder(
    body: FolderCreate,
    user: CurrentUser,
    session: SessionDep,
    google: GoogleDep,
) -> FolderRead:
    folder = await service.create_folder(session, google, user, body.name.strip())
    return FolderRead(id=folder.id, name=folder.name, web_view_link=folder.web_view_link)


@router.put("/folder")
async def choose_folder(
    body: FolderChoice,
    user: CurrentUser,
    session: SessionDep,
    google: GoogleDep,
) -> DriveStatus:
    """The folder exports go to unless a sync names another."""
    row = await service.choose_folder(session, google, user, body.folder_id)
    return service.status(google.settings, row)


@course_router.post("/exports/{export_id}/drive", status_code=status.HTTP_202_ACCEPTED)
async def sync_to_drive(
    export_id: uuid.UUID,
    body: SyncRequest,
    access: CanDownload,
    session: SessionDep,
    google: GoogleDep,
) -> DriveSyncRead:
    """Uploads a finished export to your Drive (the same file as last time for this course
    and format, updated in place); `keep_synced` sends later exports there too."""
    sync = await service.request_sync(session, google, access, export_id, body)
    return DriveSyncRead.model_validate(sync)


@course_router.get("/drive-syncs")
async def list_syncs(access: CanDownload, session: SessionDep) -> list[DriveSyncRead]:
    """Your Drive files for this course, with how the last sync went."""
    return [DriveSyncRead.model_validate(s) for s in await service.list_syncs(session, access)]


@course_router.delete("/drive-syncs/{sync_id}", status_code=status.HTTP_204_NO_CONTENT)
async def stop_sync(sync_id: uuid.UUID, access: CanDownload, session: SessionDep) -> None:
    """Stops keeping this file in sync (the file stays in Drive)."""
    await service.stop_sync(session, access, sync_id)
