"""Lessons: every change kept as a revision, stale edits refused, soft delete and restore."""

from __future__ import annotations

from typing import Any

import httpx

from app.core.permissions import Role
from tests.factories import Factory


async def _one_lesson(factory: Factory) -> tuple[Any, dict[str, str], Any, Any, str]:
    """An editor, their sign-in, their course, its lesson and the lesson's URL."""
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    course = await factory.course(editor)
    _, lesson = await factory.lesson(course, editor)
    return editor, headers, course, lesson, f"/api/v1/courses/{course.id}/lessons/{lesson.id}"


async def test_edits_keep_full_revision_history(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, headers, _course, _lesson, url = await _one_lesson(factory)
    first = await client.patch(url, json={"content": "<p>v2</p>", "version": 1}, headers=headers)
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = await client.patch(url, json={"content": "<p>lost</p>", "version": 1}, headers=headers)
    assert stale.status_code == 409
    await client.patch(url, json={"title": "Renamed", "version": 2}, headers=headers)

    revisions = (await client.get(f"{url}/revisions", headers=headers)).json()
    assert [(r["version"], r["title"], r["content"]) for r in revisions] == [
        (3, "Renamed", "<p>v2</p>"),
        (2, "First steps", "<p>v2</p>"),
        (1, "First steps", "<p>Hi</p>"),
    ]
    assert all(r["author_id"] == str(editor.id) for r in revisions)


async def test_lesson_soft_delete_and_restore(client: httpx.AsyncClient, factory: Factory) -> None:
    _editor, headers, course, _lesson, url = await _one_lesson(factory)
    outline = f"/api/v1/courses/{course.id}/outline"
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url, headers=headers)).status_code == 404
    assert (await client.get(outline, headers=headers)).json()[0]["lessons"] == []
    with_deleted = await client.get(outline, params={"include_deleted": "true"}, headers=headers)
    assert with_deleted.json()[0]["lessons"][0]["deleted_at"] is not None
    restored = await client.post(f"{url}/restore", headers=headers)
    assert restored.status_code == 200
    assert restored.json()["content"] == "<p>Hi</p>"
    assert (await client.get(url, headers=headers)).status_code == 200


async def test_lesson_of_another_course_is_not_found(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    course = await factory.course(editor, "One")
    other = await factory.course(editor, "Two")
    _, lesson = await factory.lesson(course, editor)
    response = await client.get(f"/api/v1/courses/{other.id}/lessons/{lesson.id}", headers=headers)
    assert response.status_code == 404


async def test_modules_and_lessons_are_ordered(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    course = await factory.course(editor)
    base = f"/api/v1/courses/{course.id}"
    module = (await client.post(f"{base}/modules", json={"title": "M1"}, headers=headers)).json()
    for title in ("L1", "L2", "L3"):
        created = await client.post(
            f"{base}/modules/{module['id']}/lessons", json={"title": title}, headers=headers
        )
        assert created.status_code == 201
    await client.post(f"{base}/modules", json={"title": "M2"}, headers=headers)
    outline = (await client.get(f"{base}/outline", headers=headers)).json()
    assert [m["title"] for m in outline] == ["M1", "M2"]
    assert [(x["position"], x["title"]) for x in outline[0]["lessons"]] == [
        (1, "L1"),
        (2, "L2"),
        (3, "L3"),
    ]


async def test_a_saved_lesson_is_announced_to_open_views(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """One `lesson.saved` event per successful save (none for a refused one), in the log."""
    editor, headers, course, lesson, url = await _one_lesson(factory)
    await client.patch(url, json={"title": "Renamed", "version": 1}, headers=headers)
    refused = await client.patch(url, json={"title": "Stale", "version": 1}, headers=headers)
    assert refused.status_code == 409

    log = await client.get(f"/api/v1/courses/{course.id}/events", headers=headers)
    saved = [e["payload"] for e in log.json()["items"] if e["type"] == "lesson.saved"]
    assert saved == [
        {"lesson_id": str(lesson.id), "version": 2, "title": "Renamed", "by": str(editor.id)}
    ]
