"""Drive when things go wrong part-way or at once: a create whose answer is lost, a worker
that dies after Google made the file, API calls during a long upload, two callbacks for
one user, connecting another Google account, and tokens this server cannot read."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, update

from app.core.db import utcnow
from app.integrations import jobs, service
from app.integrations.models import DriveSync, GoogleConnection, SyncStatus
from app.integrations.service import ACCOUNT_CHANGED
from tests.chat.support import job_context
from tests.conftest import TEST_CLIENT_IP
from tests.factories import Factory
from tests.fakes.google import Endpoint, FakeFile, FakeGoogle
from tests.integrations.support import (
    DRIVE,
    author,
    connect,
    consent,
    finished_export,
    sync_requested,
)

PDF = b"%PDF only once"


def _exports(fake: FakeGoogle) -> list[FakeFile]:
    return [f for f in fake.files if f.mime_type == "application/pdf"]


async def _sync(app: Any, sync_id: str) -> DriveSync:
    async with app.state.sessions() as session:
        sync = await session.get(DriveSync, uuid.UUID(sync_id))
    assert sync is not None
    return sync


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job retries at once, and gives up on an answer after a second."""
    monkeypatch.setattr(jobs, "BACKOFF_SECONDS", 0.0)
    monkeypatch.setattr(
        jobs, "google_client", lambda: httpx.AsyncClient(timeout=1.0, follow_redirects=False)
    )


async def test_a_create_whose_answer_is_lost_makes_one_file(
    drive_app: Any,
    client: httpx.AsyncClient,
    factory: Factory,
    fake_google: FakeGoogle,
    quick_retries: None,
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    sync_id, _ = await sync_requested(drive_app, client, headers, course.id, data=PDF)
    # Google makes the file, but its answer never reaches the worker (a read timeout).
    lost = fake_google.hold_next([Endpoint.UPLOAD], carried_out=True, seconds=5)
    try:
        assert await jobs.sync_export(job_context(drive_app), sync_id=sync_id) == "synced"
    finally:
        lost.release()

    (stored,) = _exports(fake_google)  # one file: the retry updated it
    assert (stored.content, stored.revisions) == (PDF, 2)
    sync = await _sync(drive_app, sync_id)
    assert (sync.file_id, sync.pending_file_id) == (stored.id, None)
    sent = [(r.method, r.status) for r in fake_google.requests_to(Endpoint.UPLOAD)]
    assert sent == [("POST", 200), ("POST", 409), ("PATCH", 200)]


async def test_a_worker_that_dies_after_google_made_the_file_leaves_no_second_one(
    drive_app: Any,
    client: httpx.AsyncClient,
    factory: Factory,
    fake_google: FakeGoogle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    sync_id, _ = await sync_requested(drive_app, client, headers, course.id, data=PDF)
    ctx = job_context(drive_app)

    def killed(*args: object) -> None:
        raise RuntimeError("the worker was killed")

    with monkeypatch.context() as patched:  # killed before the file id is stored
        patched.setattr(jobs, "_finish", killed)
        with pytest.raises(RuntimeError):
            await jobs.sync_export(ctx, sync_id=sync_id)
    assert len(_exports(fake_google)) == 1
    async with drive_app.state.sessions() as session:  # long ago: taken up again
        await session.execute(update(DriveSync).values(updated_at=utcnow() - timedelta(minutes=30)))
        await session.commit()
    assert (await jobs.dispatch_due(ctx)).queued == 1
    assert await jobs.sync_export(ctx, sync_id=sync_id) == "synced"

    (stored,) = _exports(fake_google)
    assert (await _sync(drive_app, sync_id)).file_id == stored.id
    assert stored.revisions == 2


async def test_the_api_answers_while_an_upload_is_in_progress(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    sync_id, _ = await sync_requested(drive_app, client, headers, course.id, data=PDF)
    folder_id = fake_google.files[0].id
    held = fake_google.hold_next([Endpoint.UPLOAD])  # Drive taking its time over the file
    upload = asyncio.create_task(jobs.sync_export(job_context(drive_app), sync_id=sync_id))
    try:
        assert await asyncio.to_thread(held.arrived.wait, 10)
        fake_google.expire_access_tokens()  # so the API refreshes: the row must be free
        listed = await asyncio.wait_for(client.get(f"{DRIVE}/folders", headers=headers), 5)
        assert listed.status_code == 200, listed.text
        chosen = await asyncio.wait_for(
            client.put(f"{DRIVE}/folder", json={"folder_id": folder_id}, headers=headers), 5
        )
        assert chosen.status_code == 200, chosen.text
    finally:
        held.release()
    assert await upload == "synced"
    assert [r.status for r in fake_google.requests_to(Endpoint.TOKEN)][-1] == 200


async def test_two_callbacks_for_one_user_at_once_both_connect_one_row(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    transport = httpx.ASGITransport(app=drive_app, client=(TEST_CLIENT_IP, 40001))
    async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as tab:
        returns = []
        for browser in (client, tab):  # two tabs, each with its own flow cookie
            started = await browser.post(f"{DRIVE}/connect", headers=headers)
            returns.append((browser, await consent(started.json()["authorization_url"])))
        # Both code exchanges held until both arrived: the two callbacks go on together.
        exchanges = [fake_google.hold_next([Endpoint.TOKEN]) for _ in returns]
        callbacks = asyncio.gather(
            *(browser.get(f"{DRIVE}/callback", params=back) for browser, back in returns)
        )
        try:
            for exchange in exchanges:
                assert await asyncio.to_thread(exchange.arrived.wait, 10)
        finally:
            for exchange in exchanges:
                exchange.release()
        answers = await callbacks

    for answer in answers:
        assert answer.status_code == 303
        assert answer.headers["location"].endswith("?drive=connected")
    async with drive_app.state.sessions() as session:
        rows = await session.scalar(select(func.count()).where(GoogleConnection.user_id == user.id))
    assert rows == 1
    assert (await client.get(f"{DRIVE}/folders", headers=headers)).status_code == 200


async def test_connecting_another_account_forgets_the_previous_accounts_folder_and_files(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    user, headers = await author(factory)
    course = await factory.course(user)
    fake_google.approve_as("first@example.org")
    sync_id, _ = await sync_requested(
        drive_app, client, headers, course.id, data=PDF, keep_synced=True
    )
    assert await jobs.sync_export(job_context(drive_app), sync_id=sync_id) == "synced"
    folder_id = (await _sync(drive_app, sync_id)).folder_id
    await client.put(f"{DRIVE}/folder", json={"folder_id": folder_id}, headers=headers)

    await connect(client, headers)  # the same account again: all is kept
    assert (await client.get(DRIVE, headers=headers)).json()["folder_id"] == folder_id
    assert (await _sync(drive_app, sync_id)).file_id is not None

    fake_google.approve_as("Second@example.org")
    await connect(client, headers)
    status = (await client.get(DRIVE, headers=headers)).json()
    assert status["account_email"] == "Second@example.org"
    assert (status["folder_id"], status["folder_name"]) == (None, None)
    sync = await _sync(drive_app, sync_id)
    assert (sync.file_id, sync.pending_file_id) == (None, None)
    assert (sync.status, sync.error, sync.keep_synced) == (
        SyncStatus.FAILED,
        ACCOUNT_CHANGED,
        False,
    )
    export = await finished_export(drive_app, course.id, b"%PDF next")
    url = f"/api/v1/courses/{course.id}/exports/{export.id}/drive"
    refused = await client.post(url, json={}, headers=headers)
    assert refused.json()["error"] == "drive_folder_required"  # one in the new account


def test_an_unknown_email_is_not_taken_for_another_account() -> None:
    assert service._other_account("a@example.org", "A@Example.org") is False
    assert service._other_account("", "a@example.org") is False
    assert service._other_account("a@example.org", "") is False
    assert service._other_account("a@example.org", "b@example.org") is True


async def test_disconnecting_with_unreadable_tokens_keeps_the_connection(
    drive_app: Any, client: httpx.AsyncClient, factory: Factory, fake_google: FakeGoogle
) -> None:
    _, headers = await author(factory)
    await connect(client, headers)
    right = drive_app.state.settings
    drive_app.state.settings = right.model_copy(update={"encryption_key": SecretStr("w" * 40)})
    try:
        refused = await client.delete(DRIVE, headers=headers)
    finally:
        drive_app.state.settings = right
    assert refused.status_code == 503
    assert refused.json()["error"] == "drive_tokens_unreadable"
    assert fake_google.requests_to(Endpoint.REVOKE) == []
    assert (await client.get(DRIVE, headers=headers)).json()["connected"] is True

    assert (await client.delete(DRIVE, headers=headers)).status_code == 204  # key put right
    assert [r.status for r in fake_google.requests_to(Endpoint.REVOKE)] == [200]
    assert (await client.get(DRIVE, headers=headers)).json()["connected"] is False
