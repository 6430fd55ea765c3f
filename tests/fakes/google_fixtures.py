"""Pytest fixtures and helpers for the fake Google server (OAuth and Drive).

Import the fixtures by name into a conftest, or load the module with
`pytest_plugins = ["tests.fakes.google_fixtures"]` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from app.config import Environment, Settings
from app.integrations.google import (
    DriveClient,
    Tokens,
    authorization_url,
    exchange_code,
    google_client,
    new_pkce,
    redirect_uri,
)
from app.integrations.google.oauth import CALLBACK_PATH
from tests.fakes.google import FakeGoogle, serving

FAKE_CLIENT_ID = "courzly-test.apps.googleusercontent.com"
FAKE_CLIENT_SECRET = "GOCSPX-courzly-fake-secret"
# Never requested: the tests read the code from the authorize redirect's Location.
FAKE_PUBLIC_URL = "http://127.0.0.1:8000"
FAKE_REDIRECT_URI = f"{FAKE_PUBLIC_URL}{CALLBACK_PATH}"
TEST_CHUNK_SIZE = 1024 * 1024  # 1 MiB: a 6 MB upload takes several resumable round trips


async def consent(
    settings: Settings, http: httpx.AsyncClient, *, challenge: str, state: str = "state-1"
) -> dict[str, str]:
    """What Google's consent screen sends back to our callback (code and state, or an
    error): the authorize URL is fetched and its redirect read, not followed."""
    url = authorization_url(
        settings, state=state, code_challenge=challenge, redirect_uri=redirect_uri(settings)
    )
    answer = await http.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(f"{redirect_uri(settings)}?")
    return dict(parse_qsl(urlsplit(location).query))


async def connect(settings: Settings, http: httpx.AsyncClient) -> Tokens:
    """The whole PKCE flow, as the app's connect and callback endpoints run it."""
    verifier, challenge = new_pkce()
    back = await consent(settings, http, challenge=challenge)
    return await exchange_code(
        settings, http, code=back["code"], verifier=verifier, redirect_uri=redirect_uri(settings)
    )


@pytest.fixture(scope="session")
def fake_google_server() -> Iterator[FakeGoogle]:
    """One server for the whole run; use `fake_google`, which resets it per test."""
    fake = FakeGoogle(FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, redirect_uris=[FAKE_REDIRECT_URI])
    with serving(fake) as running:
        yield running


@pytest.fixture
def fake_google(fake_google_server: FakeGoogle) -> Iterator[FakeGoogle]:
    """The fake with no grants, files, faults or logged requests."""
    fake_google_server.reset()
    yield fake_google_server
    fake_google_server.reset()


@pytest.fixture
def google_settings(fake_google: FakeGoogle) -> Settings:
    """Settings whose Google client and URLs all point at the fake: values given here
    win over the environment, so a developer's GOOGLE_* variables cannot reach Google."""
    settings = Settings.model_validate(
        {
            "COURZLY_ENV": Environment.TEST,
            "PUBLIC_URL": FAKE_PUBLIC_URL,
            **fake_google.settings_overrides(),
        }
    )
    urls = (settings.google_auth_url, settings.google_token_url, settings.google_revoke_url)
    assert all(url.startswith(fake_google.base_url) for url in (*urls, settings.google_api_url))
    return settings


@pytest.fixture
async def google_http() -> AsyncIterator[httpx.AsyncClient]:
    """A client from the production factory, as callers use it."""
    async with google_client() as client:
        yield client


@pytest.fixture
async def google_tokens(google_settings: Settings, google_http: httpx.AsyncClient) -> Tokens:
    """A connected account (author@example.com unless the test approves as another)."""
    return await connect(google_settings, google_http)


@pytest.fixture
def drive_client(
    google_http: httpx.AsyncClient, google_settings: Settings, google_tokens: Tokens
) -> DriveClient:
    return DriveClient(
        google_http, google_settings, google_tokens.access_token, chunk_size=TEST_CHUNK_SIZE
    )


@pytest.fixture
def drive_folder_id(fake_google: FakeGoogle) -> str:
    """A folder the user picked for exports."""
    return fake_google.add_folder("Courzly exports")
