"""What the fake Google remembers: the records behind grants, tokens, files and upload
sessions, and the faults a test queued. Handlers and test controls share one `GoogleState`
and touch it only under its lock."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
FOLDER = "application/vnd.google-apps.folder"
CHUNK_UNIT = 256 * 1024


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
# (status, reason, message) as Google words each fault.
FAULTS = {
    Fault.RATE_LIMIT: (429, "rateLimitExceeded", "Rate Limit Exceeded"),
    Fault.SERVER_ERROR: (500, "backendError", "Backend Error"),
    Fault.QUOTA: (403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded."),
    Fault.USER_RATE_LIMIT: (403, "userRateLimitExceeded", "User Rate Limit Exceeded"),
}


def new_id() -> str:
    return secrets.token_urlsafe(18)


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


@dataclass
class Hold:
    """A request held up: before it is carried out, or (`carried_out`) after, with its
    answer held back, as when the answer is lost on the way and the client times out.
    Held until the test calls `release()`, or `seconds` pass."""

    endpoints: frozenset[Endpoint]
    carried_out: bool
    seconds: float
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()

    async def wait(self) -> None:
        """In the server's event loop: other requests go on meanwhile."""
        self.arrived.set()
        await asyncio.to_thread(self.released.wait, self.seconds)


@dataclass(frozen=True)
class RecordedRequest:
    endpoint: Endpoint
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]  # without Authorization
    body_size: int
    status: int


class GoogleState:
    """The registered OAuth client, which lives as long as the server, and the world the
    tests change, which `reset` empties between tests."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: frozenset[str]) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = redirect_uris
        self.base_url = ""  # http://127.0.0.1:<port> once serving
        # Reentrant: a control may call another (`files` calls `file`) while holding it.
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.account = "author@example.com"  # who approves at the consent screen
            self.denying = False
            self.granted: set[str] | None = None  # None: every scope asked for
            # Keep at most this much of each chunk, as Google may: the client must resume
            # from the 308's Range header, not from what it sent (0: a stalled upload).
            self.chunk_accept_limit: int | None = None
            self.codes: dict[str, AuthCode] = {}
            self.grants: list[Grant] = []
            self.access: dict[str, AccessToken] = {}
            self.consented: set[str] = set()
            self.files: dict[str, FakeFile] = {}
            self.sessions: dict[str, Session] = {}
            self.faults: deque[tuple[Fault, frozenset[Endpoint]]] = deque()
            self.requests: list[RecordedRequest] = []
            # Ids from files.generateIds: a create may name one of these, and no other.
            self.generated: set[str] = set()
            for hold in getattr(self, "holds", []):
                hold.release()  # a request still held from the last test goes on
            self.holds: list[Hold] = []

    def new_file(
        self, name: str, mime_type: str, parents: list[str], file_id: str | None = None
    ) -> FakeFile:
        created = FakeFile(file_id or new_id(), name, mime_type, parents)
        self.files[created.id] = created
        return created

    def take_hold(self, endpoint: Endpoint) -> Hold | None:
        for index, hold in enumerate(self.holds):
            if endpoint in hold.endpoints:
                return self.holds.pop(index)
        return None

    def take_fault(self, endpoint: Endpoint) -> Fault | None:
        """The first queued fault aimed at `endpoint`, consumed; faults aimed elsewhere
        stay queued in order."""
        for index, (fault, targets) in enumerate(self.faults):
            if endpoint in targets:
                del self.faults[index]
                return fault
        return None
