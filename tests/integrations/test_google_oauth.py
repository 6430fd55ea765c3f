"""Connecting Google Drive: the PKCE flow, refresh and revocation through the production
functions, against the fake Google over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import socket
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from app.config import Settings
from app.integrations.google import (
    DriveClient,
    GoogleAuthRevoked,
    GoogleDriveAccessDenied,
    GoogleNotConfigured,
    GoogleRequestError,
    GoogleUnavailable,
    Tokens,
    authorization_url,
    exchange_code,
    new_pkce,
    redirect_uri,
    refresh,
    revoke,
)
from app.integrations.google.oauth import DRIVE_FILE_SCOPE
from tests.fakes.google import Endpoint, FakeGoogle, Fault
from tests.fakes.google_fixtures import FAKE_REDIRECT_URI, connect, consent


def test_pkce_pair_follows_rfc_7636() -> None:
    verifier, challenge = new_pkce()
    assert 43 <= len(verifier) <= 128
    assert set(verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert challenge == expected.decode()
    assert new_pkce()[0] != verifier


def test_authorization_url_asks_for_drive_file_offline_with_s256(
    google_settings: Settings,
) -> None:
    url = authorization_url(
        google_settings, state="s1", code_challenge="c" * 43, redirect_uri=FAKE_REDIRECT_URI
    )
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == google_settings.google_auth_url
    assert set(query["scope"].split()) == {"openid", "email", DRIVE_FILE_SCOPE}
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == "c" * 43
    assert query["state"] == "s1"
    assert query["redirect_uri"] == FAKE_REDIRECT_URI == redirect_uri(google_settings)
    assert query["client_id"] == google_settings.google_client_id


async def test_full_flow_connects_the_approving_account(
    google_settings: Settings, google_http: httpx.AsyncClient, fake_google: FakeGoogle
) -> None:
    fake_google.approve_as("writer@example.org")
    verifier, challenge = new_pkce()
    back = await consent(google_settings, google_http, challenge=challenge, state="xyz-42")
    assert back["state"] == "xyz-42"

    tokens = await exchange_code(
        google_settings,
        google_http,
        code=back["code"],
        verifier=verifier,
        redirect_uri=redirect_uri(google_settings),
    )

    assert tokens.email == "writer@example.org"
    assert DRIVE_FILE_SCOPE in tokens.scope.split()
    assert tokens.refresh_token
    expected_end = datetime.now(UTC) + timedelta(seconds=3599)
    assert abs(tokens.expires_at - expected_end) < timedelta(seconds=30)
    assert not tokens.expires_within(timedelta(minutes=5))
    assert tokens.expires_within(timedelta(hours=2))
    drive = DriveClient(google_http, google_settings, tokens.access_token)
    assert await drive.list_folders() == ([], None)  # the token opens Drive


async def test_tokens_never_show_in_repr(google_tokens: Tokens) -> None:
    shown = repr(google_tokens)
    assert google_tokens.access_token not in shown
    assert google_tokens.refresh_token not in shown
    assert "author@example.com" in shown


async def test_a_wrong_verifier_is_refused(
    google_settings: Settings, google_http: httpx.AsyncClient
) -> None:
    _, challenge = new_pkce()
    back = await consent(google_settings, google_http, challenge=challenge)
    other_verifier, _ = new_pkce()

    with pytest.raises(GoogleRequestError) as refused:
        await exchange_code(
            google_settings,
            google_http,
            code=back["code"],
            verifier=other_verifier,
            redirect_uri=redirect_uri(google_settings),
        )
    assert refused.value.reason == "invalid_grant"
    assert not isinstance(refused.value, GoogleAuthRevoked)
    assert "Connect Google Drive again" in refused.value.detail


async def test_a_code_works_once_and_its_replay_revokes_the_grant(
    google_settings: Settings, google_http: httpx.AsyncClient
) -> None:
    verifier, challenge = new_pkce()
    back = await consent(google_settings, google_http, challenge=challenge)
    exchange = {
        "code": back["code"],
        "verifier": verifier,
        "redirect_uri": redirect_uri(google_settings),
    }
    tokens = await exchange_code(google_settings, google_http, **exchange)

    with pytest.raises(GoogleRequestError) as replayed:
        await exchange_code(google_settings, google_http, **exchange)
    assert replayed.value.reason == "invalid_grant"
    with pytest.raises(GoogleAuthRevoked):
        await refresh(google_settings, google_http, tokens.refresh_token)


async def test_the_redirect_uri_must_match_the_authorization(
    google_settings: Settings, google_http: httpx.AsyncClient
) -> None:
    verifier, challenge = new_pkce()
    back = await consent(google_settings, google_http, challenge=challenge)
    with pytest.raises(GoogleRequestError) as refused:
        await exchange_code(
            google_settings,
            google_http,
            code=back["code"],
            verifier=verifier,
            redirect_uri="http://127.0.0.1:8000/elsewhere",
        )
    assert refused.value.reason == "redirect_uri_mismatch"


async def test_cancel_on_the_consent_screen_comes_back_as_access_denied(
    google_settings: Settings, google_http: httpx.AsyncClient, fake_google: FakeGoogle
) -> None:
    fake_google.deny_consent()
    back = await consent(google_settings, google_http, challenge=new_pkce()[1], state="s9")
    assert back == {"error": "access_denied", "state": "s9"}


async def test_unticking_drive_on_the_consent_screen_is_refused_clearly(
    google_settings: Settings, google_http: httpx.AsyncClient, fake_google: FakeGoogle
) -> None:
    fake_google.grant_only("openid", "email")
    with pytest.raises(GoogleDriveAccessDenied) as denied:
        await connect(google_settings, google_http)
    assert "keep the Drive permission ticked" in denied.value.detail


async def test_refresh_gives_a_new_access_token_and_keeps_the_refresh_token(
    google_settings: Settings,
    google_http: httpx.AsyncClient,
    google_tokens: Tokens,
    fake_google: FakeGoogle,
) -> None:
    fake_google.expire_access_tokens()

    renewed = await refresh(google_settings, google_http, google_tokens.refresh_token)

    assert renewed.access_token != google_tokens.access_token
    assert renewed.refresh_token == google_tokens.refresh_token  # Google sent none
    assert renewed.email == google_tokens.email
    assert renewed.expires_at > datetime.now(UTC) + timedelta(minutes=50)
    token_calls = fake_google.requests_to(Endpoint.TOKEN)
    assert [call.status for call in token_calls] == [200, 200]
    drive = DriveClient(google_http, google_settings, renewed.access_token)
    assert await drive.list_folders() == ([], None)


async def test_a_revoked_grant_refreshes_into_auth_revoked(
    google_settings: Settings,
    google_http: httpx.AsyncClient,
    google_tokens: Tokens,
    fake_google: FakeGoogle,
) -> None:
    fake_google.revoke_grants("author@example.com")
    with pytest.raises(GoogleAuthRevoked) as revoked:
        await refresh(google_settings, google_http, google_tokens.refresh_token)
    assert "Connect Google Drive again" in revoked.value.detail
    assert revoked.value.status_code == 409


async def test_revoke_ends_the_grant_and_a_second_revoke_is_fine(
    google_settings: Settings,
    google_http: httpx.AsyncClient,
    google_tokens: Tokens,
    fake_google: FakeGoogle,
) -> None:
    await revoke(google_settings, google_http, google_tokens.access_token)
    await revoke(google_settings, google_http, google_tokens.refresh_token)  # already invalid

    assert [call.status for call in fake_google.requests_to(Endpoint.REVOKE)] == [200, 400]
    with pytest.raises(GoogleAuthRevoked):
        await refresh(google_settings, google_http, google_tokens.refresh_token)


async def test_a_wrong_client_secret_points_at_the_settings(
    google_settings: Settings, google_http: httpx.AsyncClient, google_tokens: Tokens
) -> None:
    wrong = google_settings.model_copy(update={"google_client_secret": SecretStr("not-the-secret")})
    with pytest.raises(GoogleRequestError) as refused:
        await refresh(wrong, google_http, google_tokens.refresh_token)
    assert refused.value.reason == "invalid_client"
    assert "GOOGLE_CLIENT_SECRET" in refused.value.detail


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.RATE_LIMIT])
async def test_token_endpoint_failures_are_temporary(
    google_settings: Settings,
    google_http: httpx.AsyncClient,
    google_tokens: Tokens,
    fake_google: FakeGoogle,
    fault: Fault,
) -> None:
    fake_google.fail_next(fault, on=[Endpoint.TOKEN, Endpoint.REVOKE])
    with pytest.raises(GoogleUnavailable):
        await refresh(google_settings, google_http, google_tokens.refresh_token)
    fake_google.fail_next(fault, on=[Endpoint.REVOKE])
    with pytest.raises(GoogleUnavailable):
        await revoke(google_settings, google_http, google_tokens.access_token)
    renewed = await refresh(google_settings, google_http, google_tokens.refresh_token)
    assert renewed.refresh_token == google_tokens.refresh_token


async def test_an_unreachable_google_is_temporary(
    google_settings: Settings, google_http: httpx.AsyncClient
) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = google_settings.model_copy(update={"google_token_url": f"http://127.0.0.1:{port}/t"})
    with pytest.raises(GoogleUnavailable):
        await refresh(closed, google_http, "1//some-refresh-token")


def test_without_a_client_id_drive_is_not_configured(google_settings: Settings) -> None:
    bare = google_settings.model_copy(update={"google_client_id": None})
    with pytest.raises(GoogleNotConfigured):
        authorization_url(bare, state="s", code_challenge="c" * 43, redirect_uri="x")
