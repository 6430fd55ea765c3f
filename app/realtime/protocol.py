"""The WebSocket protocol's messages and close codes; docs/realtime.md is its description."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import IntEnum
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from app.core.schemas import check_multiline_text

MAX_FRAME_CHARS = 64_000  # a chat text is far smaller; anything bigger is a mistake or abuse
MAX_CHAT_CHARS = 4_000
MAX_SEQ = 2**62


class CloseCode(IntEnum):
    GOING_AWAY = 1001  # server shutting down: reconnect and resume
    POLICY_VIOLATION = 1008  # not authenticated in time, or not with a valid token
    INTERNAL_ERROR = 1011  # replay failed (database unreachable): reconnect and resume
    REAUTHENTICATE = 4001  # the token expired or its session ended
    LAGGED = 4008  # the client fell too far behind: reconnect and resume


def _visible_text(value: str) -> str:
    check_multiline_text(value)
    if not value.strip():
        raise ValueError("must not be blank")
    return value


ChatText = Annotated[
    str, StringConstraints(max_length=MAX_CHAT_CHARS), AfterValidator(_visible_text)
]
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]


class _ClientMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Optional correlation id, echoed in the answer (and in errors) to this message.
    id: Annotated[str, StringConstraints(max_length=64)] | None = None


class Auth(_ClientMessage):
    type: Literal["auth"]
    token: Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class Subscribe(_ClientMessage):
    type: Literal["subscribe"]
    course_id: uuid.UUID
    after_seq: Seq | None = None  # None: only events from now on


class Unsubscribe(_ClientMessage):
    type: Literal["unsubscribe"]
    course_id: uuid.UUID


class Ping(_ClientMessage):
    type: Literal["ping"]


class ChatSend(_ClientMessage):
    type: Literal["chat.send"]
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None = None
    text: ChatText


class Presence(_ClientMessage):
    """Being on a course's pages: refreshed by the client, gone when it leaves or stops."""

    type: Literal["presence"]
    course_id: uuid.UUID
    state: Literal["viewing", "editing"]
    lesson_id: uuid.UUID | None = None


class Watch(_ClientMessage):
    """Follow the courses feed: a notice whenever a readable course's run or reviews move."""

    type: Literal["watch"]


class Unwatch(_ClientMessage):
    type: Literal["unwatch"]


ClientMessage = Annotated[
    Auth | Subscribe | Unsubscribe | Ping | ChatSend | Presence | Watch | Unwatch,
    Field(discriminator="type"),
]
_CLIENT_MESSAGE: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
KNOWN_TYPES = (
    "auth",
    "subscribe",
    "unsubscribe",
    "ping",
    "chat.send",
    "presence",
    "watch",
    "unwatch",
)


class BadMessage(Exception):
    """A client frame we cannot act on: answered with an error frame, the socket stays."""

    def __init__(self, error: str, detail: str, message_id: str | None = None) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
        self.message_id = message_id


def _message_id(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    return value if isinstance(value, str) and len(value) <= 64 else None


def parse(text: str) -> ClientMessage:
    if len(text) > MAX_FRAME_CHARS:
        raise BadMessage("message_too_large", f"A message may hold {MAX_FRAME_CHARS} characters.")
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadMessage("malformed_json", "The message is not valid JSON.") from None
    if not isinstance(raw, dict):
        raise BadMessage("bad_message", 'A message is a JSON object with a "type".')
    message_id = _message_id(raw)
    kind = raw.get("type")
    if kind not in KNOWN_TYPES:
        shown = kind[:40] if isinstance(kind, str) else kind
        expected = ", ".join(KNOWN_TYPES)
        detail = f"Unknown message type {shown!r}; expected one of: {expected}."
        raise BadMessage("unknown_type", detail, message_id)
    try:
        return _CLIENT_MESSAGE.validate_python(raw)
    except ValidationError as exc:
        raise BadMessage("validation_error", _summary(exc), message_id) from None


def _summary(exc: ValidationError) -> str:
    # Location and message only: echoing the input back could reflect a token.
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(part) for part in err["loc"][1:]) or "message"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def frame(kind: str, ref: str | None = None, **fields: Any) -> str:
    """A server frame; `ref` is the id of the client message it answers, sent as "id"."""
    body: dict[str, Any] = {"type": kind, **fields}
    if ref is not None:
        body["id"] = ref
    return orjson.dumps(body).decode()


def error_frame(error: str, detail: str, ref: str | None = None, **fields: Any) -> str:
    return frame("error", ref, error=error, detail=detail, **fields)


def iso_time(unix_seconds: float) -> str:
    return datetime.fromtimestamp(unix_seconds, UTC).isoformat()


def event_frame(event_json: str) -> str:
    """Wrap an event as published (already JSON) without decoding and encoding it again:
    the same text goes to every socket subscribed to the course."""
    return '{"type":"event","event":' + event_json + "}"
