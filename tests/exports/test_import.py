"""Course JSON: export, then import, gives an equal course."""

from __future__ import annotations

from typing import Any

import httpx

from app.core.permissions import Role
from app.courses.models import Course
from app.exports.formats.course_json import render
from app.exports.snapshot import course_document
from tests.exports.content import course_with_content
from tests.factories import Factory


async def _document(factory: Factory, course_id: Any) -> dict[str, Any]:
    async with factory.sessions() as session:
        course = await session.get(Course, course_id)
        assert course is not None
        return (await course_document(session, course)).model_dump(mode="json", by_alias=True)


def _content(document: dict[str, Any]) -> dict[str, Any]:
    """What must survive the round trip: everything but identity, time and approval."""
    course = {k: v for k, v in document["course"].items() if k not in ("id", "slug", "approved")}
    return {"course": course, "modules": document["modules"], "assets": document["assets"]}


async def test_export_then_import_gives_an_equal_course(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    original = await course_with_content(factory, editor, approved=True)
    async with factory.sessions() as session:
        course = await session.get(Course, original.id)
        assert course is not None
        exported = render(await course_document(session, course))

    response = await client.post(
        "/api/v1/courses/import",
        content=exported,
        headers={**await factory.headers(editor), "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    imported = response.json()
    assert response.headers["Location"] == f"/api/v1/courses/{imported['id']}"
    assert imported["status"] == "draft"  # approval is not imported: it is reviewed again
    assert _content(await _document(factory, imported["id"])) == _content(
        await _document(factory, original.id)
    )


async def test_unusable_files_are_refused_with_reasons(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    original = await course_with_content(factory, editor)
    document = await _document(factory, original.id)
    headers = await factory.headers(editor)

    future = {**document, "schema_version": "2.0"}
    refused = await client.post("/api/v1/courses/import", json=future, headers=headers)
    assert refused.status_code == 422
    assert "schema version 2.0" in refused.json()["detail"]

    twice = {**document, "modules": [document["modules"][0], document["modules"][0]]}
    refused = await client.post("/api/v1/courses/import", json=twice, headers=headers)
    assert refused.status_code == 422
    assert "unique" in refused.json()["detail"]

    nul = dict(document)
    nul["modules"] = [dict(document["modules"][0])]
    nul["modules"][0]["title"] = "bad\x00title"
    assert (
        await client.post("/api/v1/courses/import", json=nul, headers=headers)
    ).status_code == 422

    viewer = await factory.headers(await factory.user(Role.VIEWER))
    denied = await client.post("/api/v1/courses/import", json=document, headers=viewer)
    assert denied.status_code == 403
