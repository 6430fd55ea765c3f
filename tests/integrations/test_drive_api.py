"""Google Drive through Courzly's own API, against the fake Google over real HTTP: the
PKCE connect flow bound to the browser that started it, tokens sealed and refreshed,
folders, "Sync to Drive" updating one file in place, and revocation handled both ways."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import SecretStr
from sqlalchemy import delete, select, update

from app.core.db import utcnow
from app.core.permissions import Role
from app.courses.models import CourseMember
from app.integrations import jobs
from app.integrations.google.drive import DriveFile
from app.integrations.models import DriveSync, GoogleConnection, SyncStatus
from app.realtime.events import EventType
from tests.chat.support import job_context
from tests.factories import Factory
from tests.fakes.google import Endpoint, FakeGoogle, Fault
from tests.fakes.google_fixtures import FAKE_PUBLIC_URL
from tests.integrations.support import (
    DRIVE,
    author,
    connect,
    connected_with_folder,
    consent,
    finished_export,
    sync_requested,
)
from tests.webhooks.support import happen


async def test_without_a_google_client_drive_says_it_is_not_configured(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, headers = await author(factory)
    status = (await client.get(DRIVE, headers=headers)).json()
    assert status == {
        "configured": False,
        "connected": False,
        "needs_reconnect": False,
        "account_email": None,
        "connected_at": None,
        "folder_id": None,
        "folder_name": None,
    }
    refused = await client.post(f"{DRIVE}/connect", headers=headers)
    assert refused.status_code == 503
    assert "GOOGLE_CLIENT_ID" in refused.json()["detail"]


async def test_connecting_runs_pkce_and_seals_the_tokens(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    fake_google.approve_as("ada@example.org")
    started = await client.post(f"{DRIVE}/connect", headers=headers)
    url = started.json()["authorization_url"]
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"{FAKE_PUBLIC_URL}/api/v1/integrations/drive/callback"]
    cookie = started.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()

    back = await client.get(f"{DRIVE}/callback", params=await consent(url))
    assert back.status_code == 303
    assert back.headers["location"] == f"{FAKE_PUBLIC_URL}/settings/integrations?drive=connected"
    status = (await client.get(DRIVE, headers=headers)).json()
    assert status["connected"] is True
    assert status["account_email"] == "ada@example.org"
    async with drive_app.state.sessions() as session:
        row = await session.get(GoogleConnection, user.id)
    assert row is not None
    assert "ya29" not in row.access_token_sealed  # the fake's tokens look like Google's
    assert row.refresh_token_sealed.startswith("v1:")


async def test_a_callback_that_does_not_belong_to_this_browser_connects_nothing(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    _, headers = await author(factory)
    started = await client.post(f"{DRIVE}/connect", headers=headers)
    back = await consent(started.json()["authorization_url"])
    client.cookies.clear()  # a victim's browser, sent the attacker's link
    stolen = await client.get(f"{DRIVE}/callback", params=back)
    assert "drive=error" in stolen.headers["location"]
    assert "another+browser" in stolen.headers["location"]

    replay = await client.get(f"{DRIVE}/callback", params=back)  # the state is spent
    assert "already+used" in replay.headers["location"]
    fake_google.deny_consent()
    started = await client.post(f"{DRIVE}/connect", headers=headers)
    denied = await client.get(
        f"{DRIVE}/callback", params=await consent(started.json()["authorization_url"])
    )
    assert "did+not+allow" in denied.headers["location"]
    garbage = await client.get(f"{DRIVE}/callback", params={"state": "x" * 500})
    assert garbage.status_code == 422
    assert (await client.get(DRIVE, headers=headers)).json()["connected"] is False


async def test_folders_can_be_made_listed_and_chosen(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    _, headers = await author(factory)
    await connect(client, headers)
    made = await client.post(
        f"{DRIVE}/folders", json={"name": "Courses 'n' exports"}, headers=headers
    )
    assert made.status_code == 201
    listed = (await client.get(f"{DRIVE}/folders", params={"name": "'n'"}, headers=headers)).json()
    assert [f["name"] for f in listed["folders"]] == ["Courses 'n' exports"]
    chosen = await client.put(
        f"{DRIVE}/folder", json={"folder_id": made.json()["id"]}, headers=headers
    )
    assert chosen.json()["folder_name"] == "Courses 'n' exports"

    fake_google.trash(made.json()["id"])
    gone = await client.put(
        f"{DRIVE}/folder", json={"folder_id": made.json()["id"]}, headers=headers
    )
    assert gone.status_code == 422
    bad = await client.put(f"{DRIVE}/folder", json={"folder_id": "../etc"}, headers=headers)
    assert bad.status_code == 422


async def test_sync_to_drive_updates_one_file_in_place(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    folder = await connected_with_folder(client, headers)
    await client.put(f"{DRIVE}/folder", json={"folder_id": folder["id"]}, headers=headers)
    ctx = job_context(drive_app)

    first = await finished_export(drive_app, course.id, b"%PDF first")
    url = f"/api/v1/courses/{course.id}/exports/{first.id}/drive"
    queued = await client.post(url, json={"keep_synced": True}, headers=headers)
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    assert (await jobs.dispatch_due(ctx)).queued == 1
    assert await jobs.sync_export(ctx, sync_id=queued.json()["id"]) == "synced"
    (sync,) = (await client.get(f"/api/v1/courses/{course.id}/drive-syncs", headers=headers)).json()
    stored = fake_google.file(sync["file_id"])
    assert stored.content == b"%PDF first"
    assert stored.parents == [folder["id"]]
    assert sync["web_link"]

    # A later export, kept in sync: the same Drive file gets a new revision.
    fake_google.expire_access_tokens()  # and the token runs out on the way
    second = await finished_export(drive_app, course.id, b"%PDF second")
    await happen(
        drive_app, course, EventType.EXPORT_READY, {"export_id": str(second.id), "format": "pdf"}
    )
    assert await jobs.sync_export(ctx, sync_id=sync["id"]) == "synced"
    assert fake_google.file(sync["file_id"]).content == b"%PDF second"
    assert fake_google.file(sync["file_id"]).revisions == 2
    assert len(fake_google.files) == 2  # the folder and the one file

    fake_google.delete(sync["file_id"])  # someone removed it in Drive: a new one is made
    await client.post(url, json={}, headers=headers)
    assert await jobs.sync_export(ctx, sync_id=sync["id"]) == "synced"
    (after,) = (
        await client.get(f"/api/v1/courses/{course.id}/drive-syncs", headers=headers)
    ).json()
    assert after["file_id"] != sync["file_id"]
    assert after["keep_synced"] is False


async def test_sync_refusals_are_clear_and_lose_nothing(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    other = await factory.course(user, "Other")
    export = await finished_export(drive_app, course.id, b"%PDF")
    url = f"/api/v1/courses/{course.id}/exports/{export.id}/drive"
    assert (await client.post(url, json={}, headers=headers)).json()[
        "error"
    ] == "drive_not_connected"
    await connect(client, headers)
    assert (await client.post(url, json={}, headers=headers)).json()[
        "error"
    ] == "drive_folder_required"
    elsewhere = f"/api/v1/courses/{other.id}/exports/{export.id}/drive"
    assert (await client.post(elsewhere, json={}, headers=headers)).status_code == 404

    folder = (
        await client.post(f"{DRIVE}/folders", json={"name": "Exports"}, headers=headers)
    ).json()
    queued = (await client.post(url, json={"folder_id": folder["id"]}, headers=headers)).json()
    fake_google.fail_next(Fault.QUOTA, on=frozenset({Endpoint.UPLOAD}))
    assert await jobs.sync_export(job_context(drive_app), sync_id=queued["id"]) == "failed"
    (failed,) = (
        await client.get(f"/api/v1/courses/{course.id}/drive-syncs", headers=headers)
    ).json()
    assert "Drive is full" in failed["error"]


async def test_a_revoked_grant_asks_for_a_new_connection(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    sync_id, _ = await sync_requested(drive_app, client, headers, course.id)

    fake_google.revoke_grants()  # the user removed Courzly in their Google account
    fake_google.expire_access_tokens()
    assert await jobs.sync_export(job_context(drive_app), sync_id=sync_id) == "failed"
    async with drive_app.state.sessions() as session:
        sync = await session.scalar(select(DriveSync))
    assert sync is not None
    assert "Connect Google Drive again" in (sync.error or "")
    status = (await client.get(DRIVE, headers=headers)).json()
    assert status["needs_reconnect"] is True
    listed = await client.get(f"{DRIVE}/folders", headers=headers)
    assert listed.status_code == 409
    assert listed.json()["error"] == "drive_reconnect_needed"

    await connect(client, headers)  # connecting again clears it
    assert (await client.get(DRIVE, headers=headers)).json()["connected"] is True


async def test_disconnecting_revokes_at_google_first(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    _, headers = await author(factory)
    await connect(client, headers)
    fake_google.fail_next(Fault.SERVER_ERROR, on=frozenset({Endpoint.REVOKE}))
    down = await client.delete(DRIVE, headers=headers)
    assert down.status_code == 503
    assert (await client.get(DRIVE, headers=headers)).json()["connected"] is True  # kept

    assert (await client.delete(DRIVE, headers=headers)).status_code == 204
    assert len(fake_google.requests_to(Endpoint.REVOKE)) == 2
    assert (await client.get(DRIVE, headers=headers)).json()["connected"] is False
    assert (await client.delete(DRIVE, headers=headers)).status_code == 204  # idempotent


async def test_a_newer_export_queued_during_an_upload_goes_next_into_the_same_file(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    sync_id, first = await sync_requested(
        drive_app, client, headers, course.id, data=b"%PDF first", keep_synced=True
    )
    ctx = job_context(drive_app)

    started = await jobs._start(ctx, uuid.UUID(sync_id))  # the job is uploading `first`...
    assert not isinstance(started, str)
    second = await finished_export(drive_app, course.id, b"%PDF second")
    await happen(
        drive_app, course, EventType.EXPORT_READY, {"export_id": str(second.id), "format": "pdf"}
    )
    uploaded = fake_google.add_folder("stand-in")  # ...and Drive answers with its file
    async with drive_app.state.sessions() as session:
        sync = await session.get(DriveSync, uuid.UUID(sync_id))
        assert sync is not None
        file = DriveFile(uploaded, "x.pdf", "application/pdf", (), None, "https://d/x", False, 1)
        jobs._finish(sync, first.id, SyncStatus.SYNCED, None, file)
        assert sync.status is SyncStatus.QUEUED  # not marked synced: `second` goes next
        assert sync.file_id == uploaded
        assert sync.export_id == second.id


async def test_a_sync_left_running_by_a_dead_worker_is_taken_up_again(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    folder = await connected_with_folder(client, headers)
    export = await finished_export(drive_app, course.id, b"%PDF")
    url = f"/api/v1/courses/{course.id}/exports/{export.id}/drive"
    sync_id = (await client.post(url, json={"folder_id": folder["id"]}, headers=headers)).json()[
        "id"
    ]
    ctx = job_context(drive_app)
    async with drive_app.state.sessions() as session:  # its worker died mid-way, long ago
        await session.execute(
            update(DriveSync).values(
                status=SyncStatus.RUNNING, updated_at=utcnow() - timedelta(minutes=30)
            )
        )
        await session.commit()
    assert (await jobs.dispatch_due(ctx)).queued == 1
    assert await jobs.sync_export(ctx, sync_id=sync_id) == "synced"
    assert (await jobs.dispatch_due(ctx)).queued == 0


async def test_keeping_in_sync_ends_when_the_user_loses_the_course(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    owner = await factory.user(Role.EDITOR)
    course = await factory.course(owner)
    member = await factory.user()  # no global role: the course membership is all they have
    headers = await factory.headers(member)
    async with drive_app.state.sessions() as session:
        session.add(CourseMember(course_id=course.id, user_id=member.id, role=Role.VIEWER))
        await session.commit()
    sync_id, _ = await sync_requested(
        drive_app, client, headers, course.id, data=b"%PDF first", keep_synced=True
    )
    ctx = job_context(drive_app)
    assert await jobs.sync_export(ctx, sync_id=sync_id) == "synced"

    async with drive_app.state.sessions() as session:  # removed from the course
        await session.execute(delete(CourseMember).where(CourseMember.user_id == member.id))
        await session.commit()
    second = await finished_export(drive_app, course.id, b"%PDF second")
    await happen(
        drive_app, course, EventType.EXPORT_READY, {"export_id": str(second.id), "format": "pdf"}
    )
    assert await jobs.sync_export(ctx, sync_id=sync_id) == "failed"
    async with drive_app.state.sessions() as session:
        sync = await session.get(DriveSync, uuid.UUID(sync_id))
    assert sync is not None
    assert sync.error == "You no longer have access to this course."
    assert sync.keep_synced is False
    assert len([f for f in fake_google.files if f.content]) == 1  # nothing more was sent


async def test_a_wrong_encryption_key_is_the_servers_problem_not_the_users(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    _, headers = await author(factory)
    await connect(client, headers)
    right = drive_app.state.settings
    drive_app.state.settings = right.model_copy(update={"encryption_key": SecretStr("w" * 40)})
    try:
        listed = await client.get(f"{DRIVE}/folders", headers=headers)
    finally:
        drive_app.state.settings = right
    assert listed.status_code == 503
    assert listed.json()["error"] == "drive_tokens_unreadable"
    # The key put right, the connection works as before: nothing was marked.
    assert (await client.get(f"{DRIVE}/folders", headers=headers)).status_code == 200
