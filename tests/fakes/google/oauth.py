"""Google's OAuth 2.0 endpoints (authorize, token, revoke), strict where Google is strict:
S256 PKCE, one-time codes, registered redirect URIs, refresh tokens only on consent."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from tests.fakes.google.errors import oauth_error
from tests.fakes.google.state import DRIVE_FILE, AccessToken, AuthCode, GoogleState, Grant

# Google answers with full scope URLs for the short OpenID names.
SCOPE_NAMES = {"openid": "openid", "email": "https://www.googleapis.com/auth/userinfo.email"}
KNOWN_SCOPES = {*SCOPE_NAMES, *SCOPE_NAMES.values(), DRIVE_FILE}
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OAuth:
    """The authorize, token and revoke handlers; the server calls them under the lock."""

    def __init__(self, state: GoogleState) -> None:
        self.state = state

    def authorize(self, request: Request, body: bytes) -> Response:
        state, query = self.state, request.query_params
        if query.get("client_id") != state.client_id:
            return PlainTextResponse("Error 401: invalid_client", status_code=401)
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in state.redirect_uris:
            return PlainTextResponse("Error 400: redirect_uri_mismatch", status_code=400)

        def back(**params: str) -> Response:
            passed = {"state": query["state"]} if "state" in query else {}
            return RedirectResponse(f"{redirect_uri}?{urlencode({**params, **passed})}", 302)

        scopes = query.get("scope", "").split()
        if query.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if query.get("code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(
            query.get("code_challenge", "")
        ):
            return back(error="invalid_request", error_description="S256 PKCE is required")
        if not scopes or not set(scopes) <= KNOWN_SCOPES:
            return back(error="invalid_scope")
        if state.denying:
            return back(error="access_denied")
        granted = [
            SCOPE_NAMES.get(s, s) for s in scopes if state.granted is None or s in state.granted
        ]
        code = secrets.token_urlsafe(32)
        # Like Google: a refresh token only with offline access, and on a later connect
        # only when consent is asked for again.
        prompted = "consent" in query.get("prompt", "").split()
        first = state.account not in state.consented
        state.consented.add(state.account)
        state.codes[code] = AuthCode(
            redirect_uri,
            query["code_challenge"],
            state.account,
            granted,
            query.get("access_type") == "offline" and (prompted or first),
            time.time(),
        )
        return back(code=code, scope=" ".join(granted))

    def token(self, request: Request, body: bytes) -> Response:
        state, form = self.state, dict(parse_qsl(body.decode()))
        if (form.get("client_id"), form.get("client_secret")) != (
            state.client_id,
            state.client_secret,
        ):
            return oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("grant_type") == "refresh_token":
            grant = next(
                (g for g in state.grants if g.refresh_token == form.get("refresh_token")), None
            )
            if grant is None or grant.revoked:
                return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            return self._issue(grant, with_refresh_token=False)
        if form.get("grant_type") != "authorization_code":
            return oauth_error(400, "unsupported_grant_type", "Invalid grant_type.")
        code = state.codes.get(form.get("code", ""))
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
        state.grants.append(code.grant)
        return self._issue(code.grant, with_refresh_token=True)

    def revoke(self, request: Request, body: bytes) -> Response:
        token = dict(parse_qsl(body.decode())).get("token") or request.query_params.get("token")
        access = self.state.access.get(token or "")
        grant = access.grant if access else None
        grant = grant or next((g for g in self.state.grants if g.refresh_token == token), None)
        if grant is None or grant.revoked:
            return oauth_error(400, "invalid_token", "Token expired or revoked")
        grant.revoked = True  # Google ends the whole grant, whichever token was sent
        return JSONResponse({})

    def _issue(self, grant: Grant, *, with_refresh_token: bool) -> Response:
        access_token = f"ya29.fake-{secrets.token_urlsafe(24)}"
        self.state.access[access_token] = AccessToken(grant, time.time() + 3599)
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

    def _id_token(self, grant: Grant) -> str:
        # A made-up signature is enough: a token straight from the token endpoint may be
        # read without checking it (OIDC Core 3.1.3.7), which is what Courzly does.
        def part(value: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": self.state.client_id,
            "sub": hashlib.sha256(grant.email.encode()).hexdigest()[:21],
            "email": grant.email,
            "email_verified": True,
            "iat": now,
            "exp": now + 3600,
        }
        return f"{part({'alg': 'RS256', 'kid': 'fake'})}.{part(claims)}.fake-signature"
