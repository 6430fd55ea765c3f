"""Google Drive v3 for exports: pick or create a folder, then upload a file into it, or
over the file an earlier export put there, so Drive keeps one file with its revisions.

With the drive.file scope Courzly sees only what it created (or what the user opened
with it), so `list_folders` lists the folders Courzly made, not the whole Drive."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from app.config import Settings
from app.integrations.google.errors import DriveFolderMissing, GoogleUnavailable
from app.integrations.google.resumable import CHUNK_UNIT, upload_resumable
from app.integrations.google.transport import (
    drive_error,
    json_object,
    raise_for_drive_status,
    send,
)

FOLDER_MIME_TYPE = "application/vnd.google-apps.folder"
FILE_FIELDS = "id,name,mimeType,parents,modifiedTime,webViewLink,trashed,size"
MULTIPART_LIMIT = 5 * 1024 * 1024  # Google's bound for one-request (multipart) uploads
DEFAULT_CHUNK_SIZE = 32 * CHUNK_UNIT  # 8 MiB: few round trips, modest memory per request
PAGE_SIZE = 100
# Shared-drive folders answer 404 to requests that do not say they support them.
_ALL_DRIVES = {"supportsAllDrives": "true"}
# Called when a file must be created, for the id to create it under; the caller keeps the
# id (say, in the database) before answering, so a retry is given the same one. Called
# with that id again when it turned out spent: then a fresh one is wanted.
ReserveId = Callable[[str | None], Awaitable[str]]


@dataclass(frozen=True)
class Folder:
    id: str
    name: str
    parents: tuple[str, ...]
    web_view_link: str | None


@dataclass(frozen=True)
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: tuple[str, ...]
    modified_time: datetime | None
    web_view_link: str | None
    trashed: bool
    size: int | None  # None for folders and Google Docs


def quote_query_value(value: str) -> str:
    """A string literal for Drive's `q` language: backslash and quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class DriveClient:
    """Drive calls with one access token. A 401 raises GoogleTokenExpired: refresh the
    tokens, build a new client, and retry the call once."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        access_token: str,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        if chunk_size <= 0 or chunk_size % CHUNK_UNIT:
            raise ValueError(f"chunk_size must be a positive multiple of {CHUNK_UNIT}")
        api = settings.google_api_url.rstrip("/")
        self._client = client
        self._files_url = f"{api}/drive/v3/files"
        self._upload_url = f"{api}/upload/drive/v3/files"
        self._auth = {"authorization": f"Bearer {access_token}"}
        self._chunk_size = chunk_size

    def __repr__(self) -> str:
        return f"DriveClient({self._files_url!r})"  # never the token

    async def list_folders(
        self, name_contains: str | None = None, page_token: str | None = None
    ) -> tuple[list[Folder], str | None]:
        """One page of folders, by name; pass the returned token to get the next page."""
        query = f"mimeType = '{FOLDER_MIME_TYPE}' and trashed = false"
        if name_contains:
            query += f" and name contains {quote_query_value(name_contains)}"
        params = {
            "q": query,
            "fields": f"nextPageToken,files({FILE_FIELDS})",
            "pageSize": str(PAGE_SIZE),
            "orderBy": "name",
            "spaces": "drive",
        }
        if page_token:
            params["pageToken"] = page_token
        response = await self._request("GET", self._files_url, params=params)
        raise_for_drive_status(response)
        body = json_object(response)
        folders = [_folder(item) for item in body.get("files", [])]
        next_token = body.get("nextPageToken")
        return folders, next_token if isinstance(next_token, str) and next_token else None

    async def create_folder(self, name: str, parent_id: str | None = None) -> Folder:
        metadata: dict[str, Any] = {"name": name, "mimeType": FOLDER_MIME_TYPE}
        if parent_id:
            metadata["parents"] = [parent_id]
        response = await self._request(
            "POST", self._files_url, params={"fields": FILE_FIELDS, **_ALL_DRIVES}, json=metadata
        )
        if response.status_code == 404 and parent_id:
            raise DriveFolderMissing(parent_id)
        raise_for_drive_status(response)
        return _folder(json_object(response))

    async def get_file(self, file_id: str) -> DriveFile | None:
        """The file, or None when it was deleted or moved to the trash."""
        response = await self._request(
            "GET",
            self._file_url(self._files_url, file_id),
            params={"fields": FILE_FIELDS, **_ALL_DRIVES},
        )
        if response.status_code == 404:
            return None
        raise_for_drive_status(response)
        found = _drive_file(json_object(response))
        return None if found.trashed else found

    async def generate_ids(self, count: int = 1) -> list[str]:
        """Ids Google keeps for files this user creates later (`files.generateIds`)."""
        response = await self._request(
            "GET",
            f"{self._files_url}/generateIds",
            params={"count": str(count), "space": "drive", "type": "files"},
        )
        raise_for_drive_status(response)
        ids = json_object(response).get("ids")
        if (
            not isinstance(ids, list)
            or len(ids) != count
            or not all(isinstance(i, str) and i for i in ids)
        ):
            raise GoogleUnavailable("Google Drive sent an unexpected answer; try again later.")
        return [str(i) for i in ids]

    async def upload(
        self,
        *,
        name: str,
        data: bytes,
        media_type: str,
        folder_id: str,
        file_id: str | None = None,
        reserve_id: ReserveId | None = None,
    ) -> DriveFile:
        """Replaces the content of `file_id` in place when it still exists (same id and
        link, a new revision, wherever the user moved it), else creates the file in
        `folder_id`: under the id `reserve_id` gives, when given, so that sending the
        create again (its answer was lost, or the caller died before storing the file)
        updates the file it made instead of making a second one."""
        metadata: dict[str, Any] = {"name": name, "mimeType": media_type}
        if file_id is not None and await self.get_file(file_id) is not None:
            updated = await self._update(file_id, metadata, data, media_type)
            if updated is not None:  # None: deleted meanwhile, so create it anew
                return updated
        folder = await self.get_file(folder_id)
        if folder is None or folder.mime_type != FOLDER_MIME_TYPE:
            raise DriveFolderMissing(folder_id)
        spent: str | None = None
        for _ in range(2):  # a spent id is replaced once; a fresh one cannot be spent
            new_id = await reserve_id(spent) if reserve_id is not None else None
            created = await self._create(metadata, data, media_type, folder_id, new_id)
            if created is not None:
                return created
            spent = new_id
        raise GoogleUnavailable("Google Drive would not create the file; try again later.")

    async def _create(
        self,
        metadata: dict[str, Any],
        data: bytes,
        media_type: str,
        folder_id: str,
        new_id: str | None,
    ) -> DriveFile | None:
        """The created file; None when `new_id` is spent (its file was trashed or deleted
        since a create under it went through, or Google no longer takes it)."""
        body = {**metadata, "parents": [folder_id], **({"id": new_id} if new_id else {})}
        response = await self._send_content("POST", self._upload_url, body, data, media_type)
        if response.status_code == 404:
            raise DriveFolderMissing(folder_id)  # removed between the check and the upload
        if new_id is not None and response.status_code in {400, 409}:
            reason, _ = drive_error(response)
            if response.status_code == 409:
                # A create under this id went through before: update that file instead.
                if await self.get_file(new_id) is None:
                    return None
                return await self._update(new_id, metadata, data, media_type)
            if reason == "fileIdNotUsable":
                return None
        raise_for_drive_status(response)
        return _drive_file(json_object(response))

    async def _update(
        self, file_id: str, metadata: dict[str, Any], data: bytes, media_type: str
    ) -> DriveFile | None:
        """The file with its new content; None when it is gone (404)."""
        # Drive refuses `parents` in an update: the file stays where it is.
        url = self._file_url(self._upload_url, file_id)
        response = await self._send_content("PATCH", url, metadata, data, media_type)
        if response.status_code == 404:
            return None
        raise_for_drive_status(response)
        return _drive_file(json_object(response))

    async def _send_content(
        self, method: str, url: str, metadata: dict[str, Any], data: bytes, media_type: str
    ) -> httpx.Response:
        params = {"fields": FILE_FIELDS, **_ALL_DRIVES}
        if len(data) > MULTIPART_LIMIT:
            return await upload_resumable(
                self._client,
                method,
                url,
                headers=self._auth,
                params=params,
                metadata=metadata,
                data=data,
                media_type=media_type,
                chunk_size=self._chunk_size,
            )
        body, content_type = multipart_related(metadata, data, media_type)
        return await self._request(
            method,
            url,
            params={**params, "uploadType": "multipart"},
            content=body,
            headers={"content-type": content_type},
        )

    async def _request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return await send(
            self._client, method, url, headers={**self._auth, **(headers or {})}, **kwargs
        )

    @staticmethod
    def _file_url(base: str, file_id: str) -> str:
        return f"{base}/{quote(file_id, safe='')}"


def multipart_related(metadata: dict[str, Any], data: bytes, media_type: str) -> tuple[bytes, str]:
    """The body and Content-Type of a Drive multipart upload: JSON metadata, then media."""
    boundary = secrets.token_hex(16)
    while boundary.encode() in data:  # the boundary must not occur in the content
        boundary = secrets.token_hex(16)
    head = (
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        f"{json.dumps(metadata)}\r\n"
        f"--{boundary}\r\nContent-Type: {media_type}\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/related; boundary={boundary}"


def _modified(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None  # informational only: not worth failing an export over


def _id(item: Any) -> str:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise GoogleUnavailable("Google Drive sent an unexpected answer; try again later.")
    return str(item["id"])


def _folder(item: dict[str, Any]) -> Folder:
    return Folder(
        id=_id(item),
        name=str(item.get("name", "")),
        parents=tuple(item.get("parents") or ()),
        web_view_link=item.get("webViewLink"),
    )


def _drive_file(item: dict[str, Any]) -> DriveFile:
    size = item.get("size")
    return DriveFile(
        id=_id(item),
        name=str(item.get("name", "")),
        mime_type=str(item.get("mimeType", "")),
        parents=tuple(item.get("parents") or ()),
        modified_time=_modified(item.get("modifiedTime")),
        web_view_link=item.get("webViewLink"),
        trashed=bool(item.get("trashed", False)),
        size=int(size) if isinstance(size, str | int) else None,
    )
