"""The Drive v3 calls Courzly makes: files list/get/create/generateIds, multipart uploads
and resumable sessions. Strict where Google is (chunk alignment, `parents` not writable on
update, creates only under ids it generated, 409 when that id is taken); resources carry
every field whatever `fields` asks for."""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.google.errors import drive_error, not_found
from tests.fakes.google.query import parse_query
from tests.fakes.google.state import (
    CHUNK_UNIT,
    DRIVE_FILE,
    FOLDER,
    FakeFile,
    GoogleState,
    Session,
    new_id,
)

_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)")


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], str, bytes]:
    """(metadata, media type, media) from a multipart/related upload body."""
    found = re.fullmatch(r'multipart/related;\s*boundary="?([^";]+)"?', content_type.strip())
    if not found:
        raise ValueError("Content-Type must be multipart/related with a boundary")
    delimiter = b"--" + found.group(1).encode()
    parts = body.split(delimiter)
    if len(parts) != 4 or parts[0] not in {b"", b"\r\n"} or not parts[3].startswith(b"--"):
        raise ValueError("expected exactly a metadata part and a media part")
    sections = []
    for part in parts[1:3]:
        head, separator, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator or not content.endswith(b"\r\n"):
            raise ValueError("malformed part")
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in head.decode().split("\r\n"))
        )
        sections.append((headers.get("content-type", ""), content[:-2]))
    if not sections[0][0].startswith("application/json"):
        raise ValueError("the first part must be the JSON metadata")
    return json.loads(sections[0][1]), sections[1][0], sections[1][1]


class Drive:
    """The Drive handlers; the server calls them under the lock."""

    def __init__(self, state: GoogleState) -> None:
        self.state = state

    def auth_error(self, request: Request) -> Response | None:
        """Why the bearer token may not call Drive, or None when it may."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        access = self.state.access.get(token) if scheme.lower() == "bearer" else None
        if access is None or access.expires_at <= time.time() or access.grant.revoked:
            response = drive_error(
                401,
                "authError",
                "Request had invalid authentication credentials.",
                location="Authorization",
                locationType="header",
            )
            response.headers["www-authenticate"] = 'Bearer realm="https://accounts.google.com/"'
            return response
        if DRIVE_FILE not in access.grant.scopes:
            message = "Request had insufficient authentication scopes."
            return drive_error(403, "insufficientPermissions", message)
        return None

    def list_files(self, request: Request, body: bytes) -> Response:
        query = request.query_params
        try:
            matches = parse_query(query.get("q", "trashed = false"))
            size = min(int(query.get("pageSize", "100")), 1000)
            start = int(query.get("pageToken", "0"))
        except ValueError as error:
            return drive_error(400, "invalid", f"Invalid Value: {error}", location="q")
        found = [f for f in self.state.files.values() if matches(f)]
        if query.get("orderBy") == "name":
            found.sort(key=lambda f: f.name)
        answer: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [self._resource(f) for f in found[start : start + size]],
        }
        if start + size < len(found):
            answer["nextPageToken"] = str(start + size)
        return JSONResponse(answer)

    def generate_ids(self, request: Request, body: bytes) -> Response:
        """files.generateIds: ids a later create by this user may name."""
        query = request.query_params
        try:
            count = int(query.get("count", "10"))
        except ValueError:
            count = 0
        if not 1 <= count <= 1000:
            return drive_error(400, "invalid", "Invalid Value", location="count")
        if query.get("space", "drive") != "drive" or query.get("type", "files") != "files":
            return drive_error(400, "invalid", "Invalid Value", location="space")
        ids = [new_id() for _ in range(count)]
        self.state.generated.update(ids)
        return JSONResponse({"kind": "drive#generatedIds", "space": "drive", "ids": ids})

    def get_file(self, request: Request, body: bytes) -> Response:
        file = self.state.files.get(request.path_params["id"])
        return JSONResponse(self._resource(file)) if file else not_found(request.path_params["id"])

    def create_file(self, request: Request, body: bytes) -> Response:
        try:
            metadata = json.loads(body or b"{}")
        except ValueError:
            return drive_error(400, "parseError", "Parse Error")
        refused = self._missing_parent(metadata) or self._id_refusal(metadata)
        if refused:
            return refused
        mime_type = metadata.get("mimeType", "application/octet-stream")
        created = self.state.new_file(
            metadata.get("name", "Untitled"),
            mime_type,
            metadata.get("parents") or [],
            metadata.get("id"),
        )
        return JSONResponse(self._resource(created))

    def upload(self, request: Request, body: bytes) -> Response:
        """A multipart upload, or the start of a resumable session (its URL in Location)."""
        file_id = request.path_params.get("id")
        if file_id is not None and file_id not in self.state.files:
            return not_found(file_id)
        kind = request.query_params.get("uploadType")
        try:
            if kind == "multipart":
                content_type = request.headers.get("content-type", "")
                metadata, media_type, content = parse_multipart(content_type, body)
            elif kind == "resumable":
                metadata, media_type, content = json.loads(body or b"{}"), "", b""
            else:
                raise ValueError(f"unsupported uploadType {kind!r}")
        except ValueError as error:
            return drive_error(400, "badContent", f"Bad upload: {error}")
        if file_id is not None and "parents" in metadata:
            message = (
                "The parents field is not directly writable in update requests. "
                "Use the addParents and removeParents parameters instead."
            )
            return drive_error(403, "fieldNotWritable", message)
        refused = self._missing_parent(metadata)
        if file_id is None:
            refused = refused or self._id_refusal(metadata)
        if refused:
            return refused
        if kind == "multipart":
            stored = self._store(file_id, metadata, media_type, content)
            return JSONResponse(self._resource(stored))
        upload_id = secrets.token_urlsafe(24)
        total = request.headers.get("x-upload-content-length")
        self.state.sessions[upload_id] = Session(
            file_id,
            metadata,
            request.headers.get("x-upload-content-type", "application/octet-stream"),
            int(total) if total else None,
        )
        location = (
            f"{self.state.base_url}{request.url.path}?uploadType=resumable&upload_id={upload_id}"
        )
        return Response(status_code=200, headers={"location": location})

    def chunk(self, request: Request, body: bytes) -> Response:
        """A PUT to a resumable session: 308 with the kept Range until the last byte."""
        session = self.state.sessions.get(request.query_params.get("upload_id", ""))
        found = _RANGE.fullmatch(request.headers.get("content-range", ""))
        if session is None:
            return drive_error(404, "notFound", "Upload session not found or expired.")
        if not found:
            return drive_error(400, "badRequest", "Content-Range is missing or malformed.")
        first, last, total = found.groups()
        if total != "*" and session.total is not None and int(total) != session.total:
            return drive_error(400, "badRequest", "Content-Range total differs from the session.")
        if first is not None and session.result is None:
            start, end = int(first), int(last)
            final = total != "*" and end + 1 == int(total)
            if start != len(session.received) or end - start + 1 != len(body):
                return drive_error(400, "badRequest", "Chunk does not continue the upload.")
            if not final and len(body) % CHUNK_UNIT:
                return drive_error(400, "badRequest", "Chunk size must be a multiple of 256 KiB.")
            keep = len(body)
            limit = self.state.chunk_accept_limit
            if limit is not None and keep > limit:
                keep = limit - limit % CHUNK_UNIT
            session.received += body[:keep]
            if final and keep == len(body):
                refused = None if session.file_id else self._id_refusal(session.metadata)
                if refused:  # made under the same id by another upload meanwhile
                    return refused
                content = bytes(session.received)
                session.result = self._store(
                    session.file_id, session.metadata, session.media_type, content
                )
        if session.result is not None:
            return JSONResponse(self._resource(session.result))
        headers = {"range": f"bytes=0-{len(session.received) - 1}"} if session.received else {}
        return Response(status_code=308, headers=headers)

    def _store(
        self, file_id: str | None, metadata: dict[str, Any], media_type: str, content: bytes
    ) -> FakeFile:
        mime_type = metadata.get("mimeType") or media_type or "application/octet-stream"
        if file_id is None:
            target = self.state.new_file(
                metadata.get("name", "Untitled"),
                mime_type,
                metadata.get("parents") or [],
                metadata.get("id"),
            )
        else:
            target = self.state.files[file_id]
            target.name, target.mime_type = metadata.get("name", target.name), mime_type
        target.content, target.revisions = content, target.revisions + 1
        target.modified = datetime.now(UTC) + timedelta(microseconds=1)
        return target

    def _id_refusal(self, metadata: dict[str, Any]) -> Response | None:
        """Why a create may not use the id it names: Google takes only ids it generated
        for the caller, and answers 409 when a file has that id already."""
        wanted = metadata.get("id")
        if wanted is None:
            return None
        if wanted not in self.state.generated:
            message = "The provided file ID is not usable."
            return drive_error(400, "fileIdNotUsable", message, location="file.id")
        if wanted in self.state.files:
            return drive_error(409, "duplicate", "A file already exists with the provided ID.")
        return None

    def _missing_parent(self, metadata: dict[str, Any]) -> Response | None:
        for parent in metadata.get("parents") or []:
            if parent not in self.state.files:
                return not_found(parent)
        return None

    def _resource(self, file: FakeFile) -> dict[str, Any]:
        resource = {
            "kind": "drive#file",
            "id": file.id,
            "name": file.name,
            "mimeType": file.mime_type,
            "parents": file.parents,
            "trashed": file.trashed,
            "modifiedTime": file.modified.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "webViewLink": f"{self.state.base_url}/file/d/{file.id}/view",
        }
        if file.mime_type != FOLDER:  # Google gives folders no size
            resource["size"] = str(len(file.content))
        return resource
