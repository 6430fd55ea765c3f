"""Steps the Drive API tests share: a user connecting through the browser flow against the
fake Google, a folder made, an export finished and its sync queued."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from app.core.permissions import Role
from app.exports.models import Export, ExportStatus
from app.exports.storage import storage_for
from app.users.models import User
from tests.factories import Factory
from tests.fakes.google import FakeGoogle
from tests.fakes.google_fixtures import FAKE_PUBLIC_URL

DRIVE = "/api/v1/integrations/drive"


@pytest.fixture
def drive_app(app: Any, fake_google: FakeGoogle) -> Iterator[Any]:
    """The test app (one for the session), with its Google client and URLs pointing at the
    fake for this test only."""
    values = fake_google.settings_overrides()
    original = app.state.settings
    app.state.settings = original.model_copy(
        update={
            "public_url": FAKE_PUBLIC_URL,
            "google_client_id": values["GOOGLE_CLIENT_ID"],
            "google_client_secret": SecretStr(values["GOOGLE_CLIENT_SECRET"]),
            "google_auth_url": values["GOOGLE_AUTH_URL"],
            "google_token_url": values["GOOGLE_TOKEN_URL"],
            "google_revoke_url": values["GOOGLE_REVOKE_URL"],
            "google_api_url": values["GOOGLE_API_URL"],
        }
    )
    yield app
    app.state.settings = original


async def consent(authorization_url: str) -> dict[str, str]:
    """Google's consent screen, answered: where it sends the browser back."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(authorization_url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    return {key: values[0] for key, values in query.items()}


async def connect(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    started = await client.post(f"{DRIVE}/connect", headers=headers)
    assert started.status_code == 200, started.text
    back = await consent(started.json()["authorization_url"])
    return await client.get(f"{DRIVE}/callback", params=back)  # the cookie jar sends the nonce


async def connected_with_folder(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> dict[str, Any]:
    """Drive connected, and a folder made for exports (not yet chosen as the default)."""
    await connect(client, headers)
    made = await client.post(f"{DRIVE}/folders", json={"name": "Exports"}, headers=headers)
    assert made.status_code == 201, made.text
    folder: dict[str, Any] = made.json()
    return folder


async def author(factory: Factory) -> tuple[User, dict[str, str]]:
    user = await factory.user(Role.EDITOR)
    return user, await factory.headers(user)


async def finished_export(app: Any, course_id: uuid.UUID, data: bytes) -> Export:
    async with app.state.sessions() as session:
        export = Export(course_id=course_id, format="pdf", status=ExportStatus.SUCCEEDED)
        session.add(export)
        await session.flush()
        export.storage_key = f"{course_id}/{export.id}/course.pdf"
        await session.commit()
    await storage_for(app.state.settings).put(export.storage_key, data, "application/pdf")
    return export


async def sync_requested(
    app: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    course_id: uuid.UUID,
    *,
    data: bytes = b"%PDF",
    keep_synced: bool = False,
) -> tuple[str, Export]:
    """Drive connected, a folder made, an export finished and its sync queued."""
    folder = await connected_with_folder(client, headers)
    export = await finished_export(app, course_id, data)
    url = f"/api/v1/courses/{course_id}/exports/{export.id}/drive"
    body = {"folder_id": folder["id"], "keep_synced": keep_synced}
    answer = await client.post(url, json=body, headers=headers)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"], export
