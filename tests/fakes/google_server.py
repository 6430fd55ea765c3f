"""A fake of Google's OAuth 2.0 endpoints and the Drive v3 calls Courzly makes, over real
HTTP, strict where Google is strict (PKCE, one-time codes, registered redirect URIs,
chunk alignment, `parents` not writable on update) so client mistakes fail tests.

In tests: the `fake_google` fixture (tests/fakes/google_fixtures.py). Handlers run under
one lock, so test code may call the controls while the server thread is answering.
Drive resources carry every field whatever `fields` asks for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.threaded import serving_app

DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
FOLDER = "application/vnd.google-apps.folder"
CHUNK_UNIT = 256 * 1024
# Google answers with full scope URLs for the short OpenID names.
SCOPE_NAMES = {"openid": "openid", "email": "https://www.googleapis.com/auth/userinfo.email"}
KNOWN_SCOPES = {*SCOPE_NAMES, *SCOPE_NAMES.values(), DRIVE_FILE}
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<op>!=|=)|(?P<word>[A-Za-z]+))")
_RANGE = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)")


class Fault(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429 rateLimitExceeded, Retry-After: 7
    SERVER_ERROR = "server_error"  # 500 backendError
    QUOTA = "quota"  # 403 storageQuotaExceeded
    USER_RATE_LIMIT = "user_rate_limit"  # 403 userRateLimitExceeded (Google's other limit)


class Endpoint(StrEnum):
    AUTHORIZE = "authorize"
    TOKEN = "token"
    REVOKE = "revoke"
    FILES = "files"  # /drive/v3/files metadata calls
    UPLOAD = "upload"  # multipart uploads and resumable session starts
    CHUNK = "chunk"  # PUTs to a resumable session


DRIVE = frozenset({Endpoint.FILES, Endpoint.UPLOAD, Endpoint.CHUNK})
_FAULTS = {
    Fault.RATE_LIMIT: (429, "rateLimitExceeded", "Rate Limit Exceeded"),
    Fault.SERVER_ERROR: (500, "backendError", "Backend Error"),
    Fault.QUOTA: (403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded."),
    Fault.USER_RATE_LIMIT: (403, "userRateLimitExceeded", "User Rate Limit Exceeded"),
}


@dataclass
class FakeFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    content: bytes = b""
    revisions: int = 0  # content versions: 1 after the upload that created it
    trashed: bool = False
    modified: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Grant:
    email: str
    scopes: list[str]
    refresh_token: str | None
    revoked: bool = False


@dataclass
class AuthCode:
    redirect_uri: str
    challenge: str
    email: str
    scopes: list[str]
    offline: bool
    issued_at: float
    used: bool = False
    grant: Grant | None = None  # what the code gave: revoked if the code is replayed


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float


@dataclass
class Session:
    file_id: str | None  # None: the upload creates a file
    metadata: dict[str, Any]
    media_type: str
    total: int | None
    received: bytearray = field(default_factory=bytearray)
    result: FakeFile | None = None


@dataclass(frozen=True)
class RecordedRequest:
    endpoint: Endpoint
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]  # without Authorization
    body_size: int
    status: int


def drive_error(status: int, reason: str, message: str, **extra: str) -> Response:
    item = {"domain": "global", "reason": reason, "message": message, **extra}
    body = {"error": {"code": status, "message": message, "errors": [item]}}
    headers = {"retry-after": "7"} if status == 429 else None
    return JSONResponse(body, status_code=status, headers=headers)


def oauth_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def not_found(file_id: str) -> Response:
    message = f"File not found: {file_id}."
    return drive_error(404, "notFound", message, location="fileId", locationType="parameter")


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def parse_query(q: str) -> Callable[[FakeFile], bool]:
    """Drive's `q` for the clauses Courzly writes, joined by `and`: `name contains 'x'`,
    `name = 'x'`, `mimeType = '...'`, `mimeType != '...'`, `trashed = true|false`,
    `'id' in parents`. Anything else (an unescaped quote included) raises ValueError."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(q.rstrip()):
        match = _TOKEN.match(q, position)
        if not match:
            raise ValueError(f"cannot read the query at {position}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    clauses: list[Callable[[FakeFile], bool]] = []
    for start in range(0, len(tokens), 4):
        clause = tokens[start : start + 3]
        if start + 3 < len(tokens) and tokens[start + 3] != ("word", "and"):
            raise ValueError("only `and` joins clauses here")
        clauses.append(_clause(clause))
    if not clauses or len(tokens) % 4 != 3:
        raise ValueError("incomplete query")
    return lambda file: all(check(file) for check in clauses)


def _literal(token: tuple[str, str]) -> str:
    if token[0] != "string":
        raise ValueError(f"expected a quoted string, got {token[1]!r}")
    return re.sub(r"\\(.)", r"\1", token[1][1:-1])


def _clause(tokens: list[tuple[str, str]]) -> Callable[[FakeFile], bool]:
    if len(tokens) != 3:
        raise ValueError("incomplete clause")
    (_, left), (_, op), right = tokens
    if tokens[0][0] == "string" and tokens[1:] == [("word", "in"), ("word", "parents")]:
        parent = _literal(tokens[0])
        return lambda file: parent in file.parents
    if left == "trashed" and op in {"=", "!="} and right[1] in {"true", "false"}:
        wanted = (right[1] == "true") == (op == "=")
        return lambda file: file.trashed == wanted
    if left in {"name", "mimeType"} and op in {"=", "!=", "contains"}:
        value = _literal(right)

        def matches(file: FakeFile) -> bool:
            actual = file.name if left == "name" else file.mime_type
            if op == "contains":
                return value.lower() in actual.lower()
            return (actual == value) == (op == "=")

        return matches
    raise ValueError(f"unsupported clause {left} {op} {right[1]}")


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


class FakeGoogle:
    """The fake's state and test controls; `app` serves it."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: Iterable[str]) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = frozenset(redirect_uris)
        self.base_url = ""  # http://127.0.0.1:<port> once serving
        self._lock = threading.RLock()
        self.reset()
        drive = "/drive/v3/files"
        upload = "/upload/drive/v3/files"
        self.app = Starlette(
            routes=[
                self._route("/o/oauth2/v2/auth", Endpoint.AUTHORIZE, ["GET"], self._authorize),
                self._route("/token", Endpoint.TOKEN, ["POST"], self._token),
                self._route("/revoke", Endpoint.REVOKE, ["POST"], self._revoke),
                self._route(drive, Endpoint.FILES, ["GET"], self._list, drive=True),
                self._route(drive, Endpoint.FILES, ["POST"], self._create, drive=True),
                self._route(drive + "/{id}", Endpoint.FILES, ["GET"], self._get, drive=True),
                self._route(upload, Endpoint.UPLOAD, ["POST"], self._upload, drive=True),
                self._route(upload + "/{id}", Endpoint.UPLOAD, ["PATCH"], self._upload, drive=True),
                # The session URL is the credential: Google wants no token on chunks.
                self._route(upload, Endpoint.CHUNK, ["PUT"], self._chunk),
                self._route(upload + "/{id}", Endpoint.CHUNK, ["PUT"], self._chunk),
            ]
        )

    # ---- test controls ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.account = "author@example.com"  # who approves at the consent screen
            self.denying = False
            self.granted: set[str] | None = None  # None: every scope asked for
            # Keep at most this much of each chunk, as Google may: the client must resume
            # from the 308's Range header, not from what it sent (0: a stalled upload).
            self.chunk_accept_limit: int | None = None
            self._codes: dict[str, AuthCode] = {}
            self._grants: list[Grant] = []
            self._access: dict[str, AccessToken] = {}
            self._consented: set[str] = set()
            self._files: dict[str, FakeFile] = {}
            self._sessions: dict[str, Session] = {}
            self._faults: deque[tuple[Fault, frozenset[Endpoint]]] = deque()
            self._requests: list[RecordedRequest] = []

    def settings_overrides(self) -> dict[str, str]:
        """Settings aliases pointing Courzly at this server."""
        return {
            "GOOGLE_CLIENT_ID": self.client_id,
            "GOOGLE_CLIENT_SECRET": self.client_secret,
            "GOOGLE_AUTH_URL": f"{self.base_url}/o/oauth2/v2/auth",
            "GOOGLE_TOKEN_URL": f"{self.base_url}/token",
            "GOOGLE_REVOKE_URL": f"{self.base_url}/revoke",
            "GOOGLE_API_URL": self.base_url,
        }

    def approve_as(self, email: str) -> None:
        self.account, self.denying = email, False

    def deny_consent(self) -> None:
        """The user presses Cancel on the consent screen."""
        self.denying = True

    def grant_only(self, *scopes: str) -> None:
        """The user unticks the other scopes on the consent screen (granular consent)."""
        self.granted = set(scopes)

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self._access.values():
                token.expires_at = time.time() - 1

    def revoke_grants(self, email: str | None = None) -> None:
        """The user removes Courzly's access in their Google account settings."""
        with self._lock:
            for grant in self._grants:
                grant.revoked = grant.revoked or email in {None, grant.email}

    def fail_next(
        self, fault: Fault | str, times: int = 1, *, on: Iterable[Endpoint] = DRIVE
    ) -> None:
        """The next `times` requests to the `on` endpoints fail with `fault`."""
        with self._lock:
            self._faults.extend([(Fault(fault), frozenset(on))] * times)

    def add_folder(self, name: str, parent: str | None = None) -> str:
        with self._lock:
            return self._new_file(name, FOLDER, [parent] if parent else []).id

    def trash(self, file_id: str) -> None:
        with self._lock:
            self._files[file_id].trashed = True

    def move(self, file_id: str, parent: str) -> None:
        with self._lock:
            self._files[file_id].parents = [parent]

    def delete(self, file_id: str) -> None:
        with self._lock:
            del self._files[file_id]

    def file(self, file_id: str) -> FakeFile:
        with self._lock:
            return replace(self._files[file_id], parents=list(self._files[file_id].parents))

    @property
    def files(self) -> list[FakeFile]:
        with self._lock:
            return [self.file(file_id) for file_id in self._files]

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, endpoint: Endpoint) -> list[RecordedRequest]:
        return [request for request in self.requests if request.endpoint is endpoint]

    # ---- plumbing ---------------------------------------------------------------------

    def _route(
        self,
        path: str,
        endpoint: Endpoint,
        methods: list[str],
        handler: Callable[[Request, bytes], Response],
        *,
        drive: bool = False,
    ) -> Route:
        async def run(request: Request) -> Response:
            body = await request.body()
            with self._lock:
                response = self._auth_error(request) if drive else None
                response = response or self._fault(endpoint) or handler(request, body)
                headers = {k: v for k, v in request.headers.items() if k != "authorization"}
                self._requests.append(
                    RecordedRequest(
                        endpoint,
                        request.method,
                        request.url.path,
                        dict(request.query_params),
                        headers,
                        len(body),
                        response.status_code,
                    )
                )
            return response

        return Route(path, run, methods=methods)

    def _fault(self, endpoint: Endpoint) -> Response | None:
        for index, (fault, targets) in enumerate(self._faults):
            if endpoint in targets:
                del self._faults[index]
                status, reason, message = _FAULTS[fault]
                if endpoint in DRIVE:
                    return drive_error(status, reason, message)
                return oauth_error(status, reason, message)
        return None

    def _auth_error(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        access = self._access.get(token) if scheme.lower() == "bearer" else None
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

    def _new_file(self, name: str, mime_type: str, parents: list[str]) -> FakeFile:
        created = FakeFile(secrets.token_urlsafe(18), name, mime_type, parents)
        self._files[created.id] = created
        return created

    def _resource(self, file: FakeFile) -> dict[str, Any]:
        resource = {
            "kind": "drive#file",
            "id": file.id,
            "name": file.name,
            "mimeType": file.mime_type,
            "parents": file.parents,
            "trashed": file.trashed,
            "modifiedTime": file.modified.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "webViewLink": f"{self.base_url}/file/d/{file.id}/view",
        }
        if file.mime_type != FOLDER:
            resource["size"] = str(len(file.content))
        return resource

    def _missing_parent(self, metadata: dict[str, Any]) -> Response | None:
        for parent in metadata.get("parents") or []:
            if parent not in self._files:
                return not_found(parent)
        return None

    # ---- OAuth ------------------------------------------------------------------------

    def _authorize(self, request: Request, body: bytes) -> Response:
        query = request.query_params
        if query.get("client_id") != self.client_id:
            return PlainTextResponse("Error 401: invalid_client", status_code=401)
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return PlainTextResponse("Error 400: redirect_uri_mismatch", status_code=400)

        def back(**params: str) -> Response:
            state = {"state": query["state"]} if "state" in query else {}
            return RedirectResponse(f"{redirect_uri}?{urlencode({**params, **state})}", 302)

        scopes = query.get("scope", "").split()
        if query.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if query.get("code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(
            query.get("code_challenge", "")
        ):
            return back(error="invalid_request", error_description="S256 PKCE is required")
        if not scopes or not set(scopes) <= KNOWN_SCOPES:
            return back(error="invalid_scope")
        if self.denying:
            return back(error="access_denied")
        granted = [
            SCOPE_NAMES.get(s, s) for s in scopes if self.granted is None or s in self.granted
        ]
        code = secrets.token_urlsafe(32)
        # Like Google: a refresh token only with offline access, and on a later connect
        # only when consent is asked for again.
        prompted = "consent" in query.get("prompt", "").split()
        first = self.account not in self._consented
        self._consented.add(self.account)
        self._codes[code] = AuthCode(
            redirect_uri,
            query["code_challenge"],
            self.account,
            granted,
            query.get("access_type") == "offline" and (prompted or first),
            time.time(),
        )
        return back(code=code, scope=" ".join(granted))

    def _id_token(self, grant: Grant) -> str:
        def part(value: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": self.client_id,
            "sub": hashlib.sha256(grant.email.encode()).hexdigest()[:21],
            "email": grant.email,
            "email_verified": True,
            "iat": now,
            "exp": now + 3600,
        }
        return f"{part({'alg': 'RS256', 'kid': 'fake'})}.{part(claims)}.fake-signature"

    def _issue(self, grant: Grant, *, with_refresh_token: bool) -> Response:
        access_token = f"ya29.fake-{secrets.token_urlsafe(24)}"
        self._access[access_token] = AccessToken(grant, time.time() + 3599)
        body: dict[str, Any] = {
            "access_token": access_token,
            "expires_in": 3599,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer",
        }
        if "openid" in grant.scopes:
            body["id_token"] = self._id_token(grant)
        if with_refresh_token and grant.refresh_token:
            body["refresh_token"] = grant.refresh_token
        return JSONResponse(body, headers={"cache-control": "no-store"})

    def _token(self, request: Request, body: bytes) -> Response:
        form = dict(parse_qsl(body.decode()))
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("grant_type") == "refresh_token":
            grant = next(
                (g for g in self._grants if g.refresh_token == form.get("refresh_token")), None
            )
            if grant is None or grant.revoked:
                return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            return self._issue(grant, with_refresh_token=False)
        if form.get("grant_type") != "authorization_code":
            return oauth_error(400, "unsupported_grant_type", "Invalid grant_type.")
        code = self._codes.get(form.get("code", ""))
        if code is None or time.time() - code.issued_at > 600:
            return oauth_error(400, "invalid_grant", "Malformed auth code.")
        if code.used:  # replayed: RFC 6749 4.1.2 says revoke what it gave
            if code.grant is not None:
                code.grant.revoked = True
            return oauth_error(400, "invalid_grant", "Bad Request")
        code.used = True  # spent even when refused below, so a verifier cannot be guessed
        if form.get("redirect_uri") != code.redirect_uri:
            return oauth_error(400, "redirect_uri_mismatch", "Bad Request")
        verifier = form.get("code_verifier", "")
        if not _VERIFIER.fullmatch(verifier) or pkce_challenge(verifier) != code.challenge:
            return oauth_error(400, "invalid_grant", "Invalid code verifier.")
        refresh_token = f"1//fake-{secrets.token_urlsafe(32)}" if code.offline else None
        code.grant = Grant(code.email, code.scopes, refresh_token)
        self._grants.append(code.grant)
        return self._issue(code.grant, with_refresh_token=True)

    def _revoke(self, request: Request, body: bytes) -> Response:
        token = dict(parse_qsl(body.decode())).get("token") or request.query_params.get("token")
        access = self._access.get(token or "")
        grant = access.grant if access else None
        grant = grant or next((g for g in self._grants if g.refresh_token == token), None)
        if grant is None or grant.revoked:
            return oauth_error(400, "invalid_token", "Token expired or revoked")
        grant.revoked = True  # Google ends the whole grant, whichever token was sent
        return JSONResponse({})

    # ---- Drive ------------------------------------------------------------------------

    def _list(self, request: Request, body: bytes) -> Response:
        query = request.query_params
        try:
            matches = parse_query(query.get("q", "trashed = false"))
            size = min(int(query.get("pageSize", "100")), 1000)
            start = int(query.get("pageToken", "0"))
        except ValueError as error:
            return drive_error(400, "invalid", f"Invalid Value: {error}", location="q")
        found = [f for f in self._files.values() if matches(f)]
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

    def _get(self, request: Request, body: bytes) -> Response:
        file = self._files.get(request.path_params["id"])
        return JSONResponse(self._resource(file)) if file else not_found(request.path_params["id"])

    def _create(self, request: Request, body: bytes) -> Response:
        try:
            metadata = json.loads(body or b"{}")
        except ValueError:
            return drive_error(400, "parseError", "Parse Error")
        missing = self._missing_parent(metadata)
        if missing:
            return missing
        mime_type = metadata.get("mimeType", "application/octet-stream")
        created = self._new_file(
            metadata.get("name", "Untitled"), mime_type, metadata.get("parents") or []
        )
        return JSONResponse(self._resource(created))

    def _upload(self, request: Request, body: bytes) -> Response:
        file_id = request.path_params.get("id")
        if file_id is not None and file_id not in self._files:
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
        missing = self._missing_parent(metadata)
        if missing:
            return missing
        if kind == "multipart":
            stored = self._store(file_id, metadata, media_type, content)
            return JSONResponse(self._resource(stored))
        upload_id = secrets.token_urlsafe(24)
        total = request.headers.get("x-upload-content-length")
        self._sessions[upload_id] = Session(
            file_id,
            metadata,
            request.headers.get("x-upload-content-type", "application/octet-stream"),
            int(total) if total else None,
        )
        location = f"{self.base_url}{request.url.path}?uploadType=resumable&upload_id={upload_id}"
        return Response(status_code=200, headers={"location": location})

    def _store(
        self, file_id: str | None, metadata: dict[str, Any], media_type: str, content: bytes
    ) -> FakeFile:
        mime_type = metadata.get("mimeType") or media_type or "application/octet-stream"
        if file_id is None:
            target = self._new_file(
                metadata.get("name", "Untitled"), mime_type, metadata.get("parents") or []
            )
        else:
            target = self._files[file_id]
            target.name, target.mime_type = metadata.get("name", target.name), mime_type
        target.content, target.revisions = content, target.revisions + 1
        target.modified = datetime.now(UTC) + timedelta(microseconds=1)
        return target

    def _chunk(self, request: Request, body: bytes) -> Response:
        session = self._sessions.get(request.query_params.get("upload_id", ""))
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
            if self.chunk_accept_limit is not None and keep > self.chunk_accept_limit:
                keep = self.chunk_accept_limit - self.chunk_accept_limit % CHUNK_UNIT
            session.received += body[:keep]
            if final and keep == len(body):
                content = bytes(session.received)
                session.result = self._store(
                    session.file_id, session.metadata, session.media_type, content
                )
        if session.result is not None:
            return JSONResponse(self._resource(session.result))
        headers = {"range": f"bytes=0-{len(session.received) - 1}"} if session.received else {}
        return Response(status_code=308, headers=headers)


@contextmanager
def serving(fake: FakeGoogle, host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeGoogle]:
    """Runs the server in a background thread until the block ends."""
    with serving_app(fake.app, "Google", host, port) as base_url:
        fake.base_url = base_url
        yield fake
