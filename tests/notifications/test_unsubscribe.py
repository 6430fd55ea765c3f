"""One-click unsubscribe tokens: they round-trip, name exactly one user and scope, and
any change to them (or another secret) is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from app.notifications import unsubscribe
from app.notifications.kinds import CRITICAL_KINDS, OPTIONAL_KINDS, NotificationKind
from app.notifications.unsubscribe import UnsubscribeTokenInvalid
from tests.notifications.samples import JWT_SECRET, settings_for

SETTINGS = settings_for()
ADA = uuid.UUID("6b1d0a52-3c0e-4f7c-8f35-1c2d3e4f5a6b")
GRACE = uuid.UUID("0e9f8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(user_id: uuid.UUID, scope: str, secret: str = JWT_SECRET) -> str:
    """The documented format, built independently of the module under test."""
    key = hmac.new(secret.encode(), b"courzly unsubscribe v1", hashlib.sha256).digest()
    payload = user_id.bytes + scope.encode()
    return f"{_b64(payload)}.{_b64(hmac.new(key, payload, hashlib.sha256).digest())}"


@pytest.mark.parametrize("kind", sorted(OPTIONAL_KINDS))
def test_a_token_names_its_user_and_kind(kind: NotificationKind) -> None:
    token = unsubscribe.token(SETTINGS, ADA, kind)
    assert unsubscribe.verify(SETTINGS, token) == (ADA, kind)
    assert token == _forge(ADA, str(kind))


def test_a_token_can_cover_every_optional_kind() -> None:
    token = unsubscribe.token(SETTINGS, ADA, unsubscribe.ALL)
    assert unsubscribe.verify(SETTINGS, token) == (ADA, "all")


def test_a_token_for_one_user_does_not_serve_another() -> None:
    ada = unsubscribe.token(SETTINGS, ADA, NotificationKind.RUN_FAILED)
    grace = unsubscribe.token(SETTINGS, GRACE, NotificationKind.RUN_FAILED)
    assert ada != grace
    assert unsubscribe.verify(SETTINGS, ada)[0] == ADA
    # Grace's user id with Ada's signature, and the other way round.
    ada_payload, ada_signature = ada.split(".")
    grace_payload, grace_signature = grace.split(".")
    for spliced in (f"{grace_payload}.{ada_signature}", f"{ada_payload}.{grace_signature}"):
        with pytest.raises(UnsubscribeTokenInvalid):
            unsubscribe.verify(SETTINGS, spliced)


def test_a_token_for_one_kind_does_not_serve_another() -> None:
    token = unsubscribe.token(SETTINGS, ADA, NotificationKind.RUN_FAILED)
    _, signature = token.split(".")
    other = _b64(ADA.bytes + b"all")
    with pytest.raises(UnsubscribeTokenInvalid):
        unsubscribe.verify(SETTINGS, f"{other}.{signature}")


def _flip(text: str, index: int) -> str:
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_tampered_tokens_are_refused() -> None:
    token = unsubscribe.token(SETTINGS, ADA, NotificationKind.EXPORT_READY)
    dot = token.index(".")
    tampered = (
        {
            _flip(token, 0),  # the user id
            _flip(token, dot - 1),  # the scope
            _flip(token, dot + 1),  # the signature
            _flip(token, len(token) - 1),  # the signature's last (partly unused) character
            token[:-1],
            token[: dot + 10],
            token + "A",
            token + "=",
            token.replace(".", ""),
            token + ".",
            f"{token}.{token}",
            token.replace("-", "+").replace("_", "/"),
            token + "é",
            "",
            ".",
            "x" * 10_000,
        }
        - {token}
    )
    for value in tampered:
        with pytest.raises(UnsubscribeTokenInvalid):
            unsubscribe.verify(SETTINGS, value)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    other = settings_for(JWT_SECRET="another-secret-" + "q7Wm2Zr9" * 5)
    token = unsubscribe.token(other, ADA, NotificationKind.EXPORT_READY)
    with pytest.raises(UnsubscribeTokenInvalid, match="not issued by this server"):
        unsubscribe.verify(SETTINGS, token)


def test_the_key_is_not_the_jwt_secret_itself() -> None:
    # A token signed directly with JWT_SECRET (the session tokens' key) is not accepted.
    payload = ADA.bytes + b"all"
    direct = hmac.new(JWT_SECRET.encode(), payload, hashlib.sha256).digest()
    with pytest.raises(UnsubscribeTokenInvalid):
        unsubscribe.verify(SETTINGS, f"{_b64(payload)}.{_b64(direct)}")


@pytest.mark.parametrize("kind", sorted(CRITICAL_KINDS))
def test_critical_kinds_cannot_be_unsubscribed(kind: NotificationKind) -> None:
    with pytest.raises(ValueError, match="critical"):
        unsubscribe.token(SETTINGS, ADA, kind)
    # Even a correctly signed one (a bug elsewhere, or an old key) is refused.
    with pytest.raises(UnsubscribeTokenInvalid, match="cannot be turned off"):
        unsubscribe.verify(SETTINGS, _forge(ADA, str(kind)))


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(UnsubscribeTokenInvalid, match="no known mail"):
        unsubscribe.verify(SETTINGS, _forge(ADA, "newsletter"))


def test_the_url_points_at_the_unsubscribe_endpoint() -> None:
    token = unsubscribe.token(SETTINGS, ADA, NotificationKind.DECISION_MADE)
    url = unsubscribe.unsubscribe_url(SETTINGS, token)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "courzly.example")
    assert parts.path == "/api/v1/notifications/unsubscribe"
    assert parse_qs(parts.query) == {"token": [token]}
    assert url.endswith(f"?token={token}")  # URL-safe: nothing needed quoting
