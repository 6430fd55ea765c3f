"""Connecting a Google account: OAuth 2.0 authorization code flow with PKCE (RFC 7636,
S256), token refresh and revocation, against the endpoints named in settings.

The verifier stays on our side (with the `state`) between `authorization_url` and
`exchange_code`, so an intercepted code is useless without it. Nothing here logs or
formats a token: `Tokens` hides them from its repr."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from app.config import Settings
from app.integrations.google.errors import (
    GoogleAuthRevoked,
    GoogleDriveAccessDenied,
    GoogleError,
    GoogleNotConfigured,
    GoogleRequestError,
    GoogleUnavailable,
)
from app.integrations.google.transport import json_object, retry_after, send

DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
# drive.file reaches only files Courzly creates (no broad Drive access to review); openid
# and email name the connected account, so the UI can say which Drive receives exports.
SCOPES = ("openid", "email", DRIVE_FILE_SCOPE)
GOOGLE_ISSUERS = frozenset({"https://accounts.google.com", "accounts.google.com"})
# Registered as the OAuth client's redirect URI (see the Google settings in app/config.py).
CALLBACK_PATH = "/api/v1/integrations/drive/callback"


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime  # aware, UTC
    scope: str  # space-separated, as granted (the user may untick some)
    email: str | None  # the connected Google account

    def expires_within(self, margin: timedelta, *, now: datetime | None = None) -> bool:
        """Refresh before use when this is true, rather than waiting for a 401."""
        return self.expires_at - margin <= (now or datetime.now(UTC))


def new_pkce() -> tuple[str, str]:
    """A fresh (code_verifier, code_challenge) pair for one authorization request."""
    verifier = secrets.token_urlsafe(64)  # 86 unreserved characters: RFC 7636 allows 43-128
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def redirect_uri(settings: Settings) -> str:
    """Where Google sends the browser back; must match the client's registration exactly."""
    return f"{settings.base_url}{CALLBACK_PATH}"


def authorization_url(
    settings: Settings, *, state: str, code_challenge: str, redirect_uri: str
) -> str:
    client_id, _ = _client(settings)
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
        # A refresh token lets exports run later without the author present; Google sends
        # one only with offline access, and on a re-connect only when consent is asked.
        "access_type": "offline",
        "prompt": "consent",
    }
    return f"{settings.google_auth_url}?{urlencode(query)}"


async def exchange_code(
    settings: Settings,
    client: httpx.AsyncClient,
    *,
    code: str,
    verifier: str,
    redirect_uri: str,
) -> Tokens:
    body = await _token_request(
        settings,
        client,
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
        },
        refused_grant=GoogleRequestError(
            "Google refused the sign-in code (it was already used, has expired, or does not "
            "belong to this request). Connect Google Drive again.",
            reason="invalid_grant",
        ),
    )
    refresh_token = body.get("refresh_token")
    if not isinstance(refresh_token, str) or not refresh_token:
        raise GoogleRequestError(
            "Google did not grant offline access to Drive. Connect Google Drive again.",
            reason="missing_refresh_token",
        )
    return _tokens(settings, body, refresh_token)


async def refresh(settings: Settings, client: httpx.AsyncClient, refresh_token: str) -> Tokens:
    body = await _token_request(
        settings,
        client,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        refused_grant=GoogleAuthRevoked(),
    )
    # Google usually sends no new refresh token here; the one we hold stays valid.
    rotated = body.get("refresh_token")
    return _tokens(
        settings, body, rotated if isinstance(rotated, str) and rotated else refresh_token
    )


async def revoke(settings: Settings, client: httpx.AsyncClient, token: str) -> None:
    """Revokes the grant behind an access or refresh token (Google ends both). The token
    goes in the form body, not the URL Google's examples use, to stay out of URL logs."""
    response = await send(client, "POST", settings.google_revoke_url, data={"token": token})
    if response.is_success:
        return
    code, description = _oauth_error(response)
    if response.status_code == 429 or response.status_code >= 500:
        raise GoogleUnavailable(retry_after=retry_after(response))
    if code in {"invalid_token", "invalid_grant"}:
        return  # already revoked or expired: the outcome the caller wanted
    raise GoogleRequestError(
        f"Google refused to revoke access: {description}", status=response.status_code, reason=code
    )


def _client(settings: Settings) -> tuple[str, str]:
    if not settings.google_client_id or settings.google_client_secret is None:
        raise GoogleNotConfigured()
    return settings.google_client_id, settings.google_client_secret.get_secret_value()


async def _token_request(
    settings: Settings,
    client: httpx.AsyncClient,
    form: dict[str, str],
    *,
    refused_grant: GoogleError,
) -> dict[str, Any]:
    client_id, client_secret = _client(settings)
    form = {**form, "client_id": client_id, "client_secret": client_secret}
    response = await send(client, "POST", settings.google_token_url, data=form)
    if response.status_code == 429 or response.status_code >= 500:
        raise GoogleUnavailable(retry_after=retry_after(response))
    if response.is_success:
        return json_object(response)
    code, description = _oauth_error(response)
    if code == "invalid_grant":
        raise refused_grant
    if code in {"invalid_client", "unauthorized_client"}:
        raise GoogleRequestError(
            "Google rejected Courzly's OAuth client; check GOOGLE_CLIENT_ID and "
            "GOOGLE_CLIENT_SECRET.",
            status=response.status_code,
            reason=code,
        )
    raise GoogleRequestError(
        f"Google refused the request: {description}", status=response.status_code, reason=code
    )


def _oauth_error(response: httpx.Response) -> tuple[str | None, str]:
    """RFC 6749 5.2 error body: `{"error": "...", "error_description": "..."}`."""
    try:
        body = response.json()
    except ValueError:
        return None, f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return None, f"HTTP {response.status_code}"
    code = body.get("error")
    code = code if isinstance(code, str) else None
    return code, str(body.get("error_description") or code or f"HTTP {response.status_code}")


def _tokens(settings: Settings, body: dict[str, Any], refresh_token: str) -> Tokens:
    access_token, expires_in = body.get("access_token"), body.get("expires_in")
    if not isinstance(access_token, str) or not isinstance(expires_in, int | float):
        raise GoogleUnavailable("Google sent an unexpected token answer; try again later.")
    scope = str(body.get("scope", ""))
    if DRIVE_FILE_SCOPE not in scope.split():
        raise GoogleDriveAccessDenied(reason="drive_scope_not_granted")
    id_token = body.get("id_token")
    claims = _id_token_claims(settings, id_token) if isinstance(id_token, str) else {}
    email = claims.get("email")
    return Tokens(
        access_token=access_token,
        refresh_token=refresh_token,
        expires_at=datetime.now(UTC) + timedelta(seconds=float(expires_in)),
        scope=scope,
        email=email if isinstance(email, str) else None,
    )


def _id_token_claims(settings: Settings, id_token: str) -> dict[str, Any]:
    """The ID token's claims, read without checking its signature: it came straight from
    the token endpoint over TLS, which OpenID Connect Core 3.1.3.7 (item 6) accepts in
    place of signature validation. Issuer and audience are still checked (items 2, 3)."""
    try:
        payload = id_token.split(".")[1]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (IndexError, ValueError, binascii.Error) as exc:
        raise GoogleUnavailable("Google sent an unreadable ID token; try again later.") from exc
    if not isinstance(claims, dict):
        raise GoogleUnavailable("Google sent an unreadable ID token; try again later.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") not in GOOGLE_ISSUERS or settings.google_client_id not in audiences:
        raise GoogleRequestError(
            "Google's ID token was not issued to Courzly's OAuth client.",
            reason="id_token_mismatch",
        )
    return claims
