"""Deciding suggestions over REST: applied once, never over a newer lesson, by editors only."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.permissions import Role
from app.realtime.models import WorkflowEvent
from tests.chat.support import FakeWriter, answer, ask, scene, suggestion_for
from tests.factories import Factory


def _url(course_id: Any, suggestion_id: str, action: str) -> str:
    return f"/api/v1/courses/{course_id}/suggestions/{suggestion_id}/{action}"


async def test_accept_writes_an_ai_revision_and_bumps_the_version(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    suggestion_id = await suggestion_for(app, s, "<p>Hello, learners</p>")
    accepted = await client.post(_url(s.course.id, suggestion_id, "accept"), headers=s.headers)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["suggestion"]["status"] == "accepted"
    assert body["suggestion"]["decided_by"] == str(s.editor.id)
    assert (body["lesson"]["version"], body["lesson"]["content"]) == (2, "<p>Hello, learners</p>")

    lesson_url = f"/api/v1/courses/{s.course.id}/lessons/{s.lesson.id}"
    revisions = (await client.get(f"{lesson_url}/revisions", headers=s.headers)).json()
    assert [(r["version"], r["source"], r["author_id"]) for r in revisions] == [
        (2, "ai", str(s.editor.id)),
        (1, "human", str(s.editor.id)),
    ]
    async with app.state.sessions() as session:
        actions = set(await session.scalars(select(AuditEntry.action)))
        decided = await session.scalar(
            select(WorkflowEvent).where(WorkflowEvent.type == "suggestion.decided")
        )
    assert {"lesson.updated", "suggestion.accepted"} <= actions
    assert decided is not None
    assert (decided.payload["status"], decided.payload["lesson_version"]) == ("accepted", 2)


async def test_the_same_accept_twice_applies_once(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    suggestion_id = await suggestion_for(app, s)
    url = _url(s.course.id, suggestion_id, "accept")
    assert (await client.post(url, headers=s.headers)).status_code == 200
    again = await client.post(url, headers=s.headers)
    assert again.status_code == 409
    assert again.json()["error"] == "suggestion_decided"
    assert again.json()["detail"].startswith("This suggestion was already accepted at ")
    lesson_url = f"/api/v1/courses/{s.course.id}/lessons/{s.lesson.id}"
    assert (await client.get(lesson_url, headers=s.headers)).json()["version"] == 2


async def test_concurrent_accepts_apply_once(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    suggestion_id = await suggestion_for(app, s)
    url = _url(s.course.id, suggestion_id, "accept")
    results = await asyncio.gather(*(client.post(url, headers=s.headers) for _ in range(3)))
    assert sorted(r.status_code for r in results) == [200, 409, 409]
    lesson_url = f"/api/v1/courses/{s.course.id}/lessons/{s.lesson.id}/revisions"
    assert len((await client.get(lesson_url, headers=s.headers)).json()) == 2


async def test_a_lesson_changed_since_the_suggestion_is_a_conflict(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    suggestion_id = await suggestion_for(app, s)
    lesson_url = f"/api/v1/courses/{s.course.id}/lessons/{s.lesson.id}"
    edit = {"content": "<p>Edited by hand</p>", "version": 1}
    assert (await client.patch(lesson_url, json=edit, headers=s.headers)).status_code == 200
    stale = await client.post(_url(s.course.id, suggestion_id, "accept"), headers=s.headers)
    assert stale.status_code == 409
    body = stale.json()
    assert (body["error"], body["current_version"], body["base_version"]) == (
        "suggestion_outdated",
        2,
        1,
    )
    assert "now at version 2" in body["detail"]
    lesson = (await client.get(lesson_url, headers=s.headers)).json()
    assert lesson["content"] == "<p>Edited by hand</p>"
    listed = await client.get(f"/api/v1/courses/{s.course.id}/suggestions", headers=s.headers)
    assert listed.json()["items"][0]["status"] == "proposed"


async def test_rejected_cannot_be_accepted(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    suggestion_id = await suggestion_for(app, s)
    rejected = await client.post(_url(s.course.id, suggestion_id, "reject"), headers=s.headers)
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    late = await client.post(_url(s.course.id, suggestion_id, "accept"), headers=s.headers)
    assert (late.status_code, late.json()["error"]) == (409, "suggestion_decided")
    assert "already rejected" in late.json()["detail"]


async def test_who_may_decide(client: httpx.AsyncClient, factory: Factory, app: Any) -> None:
    s = await scene(factory)
    suggestion_id = await suggestion_for(app, s)
    viewer = await factory.user(Role.VIEWER)
    outsider = await factory.user()
    for user, status in ((viewer, 403), (outsider, 404)):
        headers = await factory.headers(user)
        for action in ("accept", "reject"):
            response = await client.post(_url(s.course.id, suggestion_id, action), headers=headers)
            assert response.status_code == status


async def test_unknown_or_foreign_suggestions_are_not_found(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    other = await factory.course(s.editor, "Other")
    suggestion_id = await suggestion_for(app, s)
    for course_id, target in ((s.course.id, str(uuid.uuid4())), (other.id, suggestion_id)):
        response = await client.post(_url(course_id, target, "accept"), headers=s.headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "No such suggestion in this course."
    bad = await client.post(_url(s.course.id, "not-a-uuid", "accept"), headers=s.headers)
    assert bad.status_code == 422


async def test_listing_suggestions_and_messages(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    first = await suggestion_for(app, s, "<p>One</p>")
    await suggestion_for(app, s, "<p>Two</p>")
    await client.post(_url(s.course.id, first, "reject"), headers=s.headers)
    general = await ask(app, s.editor, s.course.id, "General question")
    await answer(app, general, FakeWriter("General answer"))
    viewer = await factory.user(Role.VIEWER)
    headers = await factory.headers(viewer)
    base = f"/api/v1/courses/{s.course.id}"

    async def suggestions(**params: Any) -> list[str]:
        page = (await client.get(f"{base}/suggestions", params=params, headers=headers)).json()
        return [item["content"] for item in page["items"]]

    assert await suggestions() == ["<p>Two</p>", "<p>One</p>"]
    assert await suggestions(status="proposed") == ["<p>Two</p>"]
    assert await suggestions(status="rejected", lesson_id=str(s.lesson.id)) == ["<p>One</p>"]
    assert await suggestions(lesson_id=str(uuid.uuid4())) == []
    bad = await client.get(f"{base}/suggestions", params={"status": "maybe"}, headers=headers)
    assert bad.status_code == 422

    page = await client.get(f"{base}/chat/messages", params={"page_size": 2}, headers=headers)
    assert page.status_code == 200
    assert (page.json()["total"], len(page.json()["items"])) == (6, 2)
    assert [m["content"] for m in page.json()["items"]] == ["General answer", "General question"]
    in_lesson = await client.get(
        f"{base}/chat/messages", params={"lesson_id": str(s.lesson.id)}, headers=headers
    )
    assert in_lesson.json()["total"] == 4
    assert {m["role"] for m in in_lesson.json()["items"]} == {"user", "assistant"}

    outsider = await factory.headers(await factory.user())
    for path in ("suggestions", "chat/messages"):
        assert (await client.get(f"{base}/{path}", headers=outsider)).status_code == 404
