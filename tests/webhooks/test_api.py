"""The webhook admin API: registering (and refusing) URLs, secrets shown and rotated with
an overlap receivers can verify, optimistic edits, the delivery log, redelivery, test
messages, and the line between the organisation's endpoints and a course's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.permissions import Role
from app.realtime.events import EventType
from app.webhooks.models import WebhookEndpoint
from tests.chat.support import job_context
from tests.factories import Factory
from tests.webhooks.receiver import receiving
from tests.webhooks.support import deliver_due, happen

HOOKS = "/api/v1/webhooks"


async def _admin(factory: Factory) -> tuple[Any, dict[str, str]]:
    admin = await factory.user(Role.ADMIN)
    return admin, await factory.headers(admin)


async def _count(app: Any) -> int:
    async with app.state.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0)


async def test_an_admin_registers_an_endpoint_and_gets_its_secret_once(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    _, headers = await _admin(factory)
    body = {"url": "http://127.0.0.1:9/in", "events": ["run.failed", "run.started", "run.failed"]}
    created = await client.post(HOOKS, json=body, headers=headers)
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["events"] == ["run.failed", "run.started"]
    assert endpoint["enabled"] is True
    assert endpoint["course_id"] is None

    listed = (await client.get(HOOKS, headers=headers)).json()
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]
    shown = await client.get(f"{HOOKS}/{endpoint['id']}/secret", headers=headers)
    assert shown.json()["secret"] == endpoint["secret"]
    async with app.state.sessions() as session:
        stored = await session.get(WebhookEndpoint, endpoint["id"])
        assert stored is not None
        assert endpoint["secret"] not in stored.secret_sealed  # sealed at rest
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert {"webhook.created", "webhook.secret_viewed"} <= set(actions)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"url": "ftp://127.0.0.1/x", "events": ["run.failed"]}, "https://"),
        ({"url": "http://10.1.2.3/x", "events": ["run.failed"]}, "inside this network"),
        ({"url": "http://169.254.169.254/latest", "events": ["run.failed"]}, "inside this"),
        ({"url": "http://[fe80::1]/x", "events": ["run.failed"]}, "inside this network"),
        ({"url": "http://user:pw@127.0.0.1/x", "events": ["run.failed"]}, "user name"),
        ({"url": "http://127.0.0.1:99999/x", "events": ["run.failed"]}, "valid URL"),
        ({"url": "https://", "events": ["run.failed"]}, "names a host"),
        ({"url": "http://127.0.0.1/" + "a" * 2100, "events": ["run.failed"]}, "at most"),
        ({"url": "http://127.0.0.1/x", "events": []}, "at least 1"),
        ({"url": "http://127.0.0.1/x", "events": ["run.exploded"]}, "course.approved"),
        ({"url": "http://127.0.0.1/x", "events": ["run.failed"], "secret": "mine"}, "secret"),
    ],
)
async def test_bad_endpoints_are_refused_clearly_and_nothing_is_kept(
    app: Any, client: httpx.AsyncClient, factory: Factory, body: dict[str, Any], says: str
) -> None:
    _, headers = await _admin(factory)
    answer = await client.post(HOOKS, json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert says in answer.text
    assert set(answer.json()) >= {"error", "detail"}
    assert await _count(app) == 0


async def test_edits_are_optimistic_and_re_enabling_resumes(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    _, headers = await _admin(factory)
    body = {"url": "http://127.0.0.1:9/in", "events": ["run.failed"]}
    endpoint = (await client.post(HOOKS, json=body, headers=headers)).json()
    url = f"{HOOKS}/{endpoint['id']}"

    missing = await client.patch(url, json={"description": "x"}, headers=headers)
    assert missing.status_code == 428
    first = await client.patch(url, json={"enabled": False, "version": 1}, headers=headers)
    assert first.status_code == 200
    assert first.json()["disabled_reason"] == "Disabled by an admin."
    stale = await client.patch(url, json={"description": "late", "version": 1}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    moved = await client.patch(
        url, json={"url": "http://10.0.0.1/x"}, headers={**headers, "If-Match": '"2"'}
    )
    assert moved.status_code == 422
    again = await client.patch(url, json={"enabled": True}, headers={**headers, "If-Match": '"2"'})
    assert again.json()["enabled"] is True
    assert again.json()["disabled_reason"] is None
    assert again.headers["ETag"] == '"3"'


async def test_a_rotated_secret_overlaps_so_receivers_can_switch(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    admin, headers = await _admin(factory)
    course = await factory.course(admin)
    with receiving() as receiver:
        body = {"url": receiver.url, "events": ["run.started"]}
        endpoint = (await client.post(HOOKS, json=body, headers=headers)).json()
        old = endpoint["secret"]
        rotate = f"{HOOKS}/{endpoint['id']}/rotate-secret"
        rotated = (await client.post(rotate, json={}, headers=headers)).json()
        new = rotated["secret"]
        assert new != old
        assert rotated["previous_secret_valid_until"] is not None
        read = (await client.get(f"{HOOKS}/{endpoint['id']}", headers=headers)).json()
        assert read["rotating_until"] == rotated["previous_secret_valid_until"]

        receiver.secrets[:] = [old, new]
        await happen(app, course, EventType.RUN_STARTED)
        await deliver_due(job_context(app))
        assert receiver.messages[0].verified_with == [old, new]  # signed with both
        assert receiver.messages[0].signatures.count("v1,") == 2

        # Ending the overlap: only the newest secret signs.
        await client.post(rotate, json={"keep_previous_hours": 0}, headers=headers)
        newest = (await client.get(f"{HOOKS}/{endpoint['id']}/secret", headers=headers)).json()
        assert newest["previous_secret_valid_until"] is None
        receiver.secrets[:] = [old, new, newest["secret"]]
        await happen(app, course, EventType.RUN_STARTED)
        await deliver_due(job_context(app))
        assert receiver.messages[1].verified_with == [newest["secret"]]


async def test_the_delivery_log_and_redelivery(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    admin, headers = await _admin(factory)
    course = await factory.course(admin)
    with receiving() as receiver:
        body = {"url": receiver.url, "events": ["run.failed"]}
        endpoint = (await client.post(HOOKS, json=body, headers=headers)).json()
        receiver.secrets.append(endpoint["secret"])
        receiver.answer(500)
        await happen(app, course, EventType.RUN_FAILED, {"error": "model down"})
        await deliver_due(job_context(app))

        log_url = f"{HOOKS}/{endpoint['id']}/deliveries"
        page = (await client.get(log_url, headers=headers)).json()
        assert page["total"] == 1
        item = page["items"][0]
        assert item["status"] == "pending"
        assert item["next_attempt_at"] is not None
        assert item["last_attempt"]["status_code"] == 500
        assert item["last_attempt"]["response_excerpt"] == "receiver says no"
        detail = (await client.get(f"{log_url}/{item['id']}", headers=headers)).json()
        assert detail["payload"]["data"]["error"] == "model down"
        assert len(detail["attempt_log"]) == 1

        again = await client.post(f"{log_url}/{item['id']}/redeliver", headers=headers)
        assert again.status_code == 202
        assert again.json()["message_id"] == item["message_id"]
        assert again.json()["redelivery_of"] == item["id"]
        pending = await client.get(log_url, params={"status": "pending"}, headers=headers)
        assert pending.json()["total"] == 2
        bad = await client.get(log_url, params={"status": "lost"}, headers=headers)
        assert bad.status_code == 422


async def test_a_test_message_reports_what_the_receiver_said(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, headers = await _admin(factory)
    with receiving() as receiver:
        body = {"url": receiver.url, "events": ["run.failed"]}
        endpoint = (await client.post(HOOKS, json=body, headers=headers)).json()
        receiver.secrets.append(endpoint["secret"])
        result = (await client.post(f"{HOOKS}/{endpoint['id']}/test", headers=headers)).json()
        assert result["succeeded"] is True
        assert result["status_code"] == 200
        assert receiver.types() == ["webhook.test"]

    closed = await client.post(HOOKS, json={**body, "url": "http://127.0.0.1:9/x"}, headers=headers)
    test_url = f"{HOOKS}/{closed.json()['id']}/test"
    refused = (await client.post(test_url, headers=headers)).json()
    assert refused["succeeded"] is False
    assert refused["status_code"] is None
    assert "could not connect" in refused["error"]


async def test_organisation_and_course_endpoints_stay_apart(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, headers = await _admin(factory)
    owner = await factory.user()
    course = await factory.course(owner)
    owner_headers = await factory.headers(owner)
    course_hooks = f"/api/v1/courses/{course.id}/webhooks"
    body = {"url": "http://127.0.0.1:9/in", "events": ["export.ready"]}
    mine = await client.post(course_hooks, json=body, headers=owner_headers)
    assert mine.status_code == 201
    assert mine.json()["course_id"] == str(course.id)
    organisation = (await client.post(HOOKS, json=body, headers=headers)).json()

    assert (await client.get(f"{HOOKS}/{mine.json()['id']}", headers=headers)).status_code == 404
    cross = await client.get(f"{course_hooks}/{organisation['id']}", headers=owner_headers)
    assert cross.status_code == 404
    assert [e["id"] for e in (await client.get(course_hooks, headers=headers)).json()] == [
        mine.json()["id"]
    ]
    # A course's owner manages the course's endpoints, not the organisation's.
    assert (await client.get(HOOKS, headers=owner_headers)).status_code == 403
