"""One-click unsubscribe tokens: a link in every optional mail that works without signing
in and without a database row, so it can be verified by whoever opens it (a person, or a
mail client acting on RFC 8058's List-Unsubscribe-Post).

A token is base64url(user id bytes + scope) "." base64url(HMAC-SHA256(key, same bytes)).
The key is derived from JWT_SECRET under a label of its own, so a token can never be
replayed as a session token or the other way round. Tokens do not expire: an old mail's
link must keep working. Rotating JWT_SECRET invalidates them (users then unsubscribe from
the preferences screen instead)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import uuid
from typing import Literal
from urllib.parse import urlencode

from app.config import Settings
from app.notifications.errors import UnsubscribeTokenInvalid
from app.notifications.kinds import NotificationKind

__all__ = [
    "ALL",
    "UnsubscribeScope",
    "UnsubscribeTokenInvalid",
    "token",
    "unsubscribe_url",
    "verify",
]

ALL: Literal["all"] = "all"
UnsubscribeScope = NotificationKind | Literal["all"]

_KEY_LABEL = b"courzly unsubscribe v1"
_PATH = "/api/v1/notifications/unsubscribe"
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")
_UUID_BYTES = 16
_MAX_TOKEN_LENGTH = 200  # far above any real token: no work is spent on junk


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.jwt_secret_value().encode(), _KEY_LABEL, hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text):
        raise UnsubscribeTokenInvalid("the unsubscribe link is damaged")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise UnsubscribeTokenInvalid("the unsubscribe link is damaged") from exc


def _check_scope(scope: str) -> UnsubscribeScope:
    if scope == ALL:
        return ALL
    try:
        kind = NotificationKind(scope)
    except ValueError as exc:
        raise UnsubscribeTokenInvalid("the unsubscribe link names no known mail") from exc
    if kind.critical:
        raise UnsubscribeTokenInvalid(f"{kind.label!r} mail cannot be turned off")
    return kind


def token(settings: Settings, user_id: uuid.UUID, kind: UnsubscribeScope) -> str:
    """The token that turns off `kind` (or every optional kind: "all") for this user."""
    scope = str(kind)
    if scope != ALL and NotificationKind(scope).critical:
        # A link that could not be honoured must not be offered in the first place.
        raise ValueError(f"{scope} is critical mail: it has no unsubscribe link")
    return _signed(settings, user_id.bytes + scope.encode("ascii"))


def _signed(settings: Settings, payload: bytes) -> str:
    signature = hmac.new(_key(settings), payload, hashlib.sha256).digest()
    return f"{_encode(payload)}.{_encode(signature)}"


def verify(settings: Settings, value: str) -> tuple[uuid.UUID, UnsubscribeScope]:
    """The user and scope a token was made for; UnsubscribeTokenInvalid when it was not
    made by token() with this secret."""
    if len(value) > _MAX_TOKEN_LENGTH or not value.isascii() or value.count(".") != 1:
        raise UnsubscribeTokenInvalid("the unsubscribe link is damaged")
    encoded_payload, _ = value.split(".")
    payload = _decode(encoded_payload)
    if len(payload) <= _UUID_BYTES:
        raise UnsubscribeTokenInvalid("the unsubscribe link is damaged")
    user_id = uuid.UUID(bytes=payload[:_UUID_BYTES])
    try:
        scope = payload[_UUID_BYTES:].decode("ascii")
    except UnicodeDecodeError as exc:
        raise UnsubscribeTokenInvalid("the unsubscribe link is damaged") from exc
    # Rebuilding the whole token and comparing the texts (in constant time) also refuses
    # other spellings of the same bytes: there is exactly one valid token per user and scope.
    if not hmac.compare_digest(_signed(settings, payload).encode(), value.encode()):
        raise UnsubscribeTokenInvalid("the unsubscribe link was not issued by this server")
    return user_id, _check_scope(scope)


def unsubscribe_url(settings: Settings, value: str) -> str:
    """The link the mail carries: GET shows a confirmation page, POST unsubscribes."""
    return f"{settings.base_url}{_PATH}?{urlencode({'token': value})}"
