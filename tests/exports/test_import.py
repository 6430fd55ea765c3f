"""Course JSON: export, then import, gives an equal course."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from app.assets.store import MediaStore
from app.core.permissions import Role
from app.courses.models import Course
from app.exports.formats.course_json import render
from app.exports.snapshot import course_document
from tests.assets.images import png
from tests.exports.content import course_with_content
from tests.factories import Factory


async def _document(factory: Factory, course_id: Any) -> dict[str, Any]:
    async with factory.sessions() as session:
        course = await session.get(Course, course_id)
        assert course is not None
        return (await course_document(session, course, MediaStore.of(factory.settings))).model_dump(
            mode="json", by_alias=True
        )


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
        exported = render(await course_document(session, course, MediaStore.of(factory.settings)))

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


async def _course_with_image(client: httpx.AsyncClient, factory: Factory) -> tuple[Any, Any]:
    editor = await factory.user(Role.EDITOR)
    lesson = "See the map:\n\n![Map](assets/map.png)\n"
    original = await course_with_content(factory, editor, lesson_text=lesson)
    headers = await factory.headers(editor)
    uploaded = await client.post(
        f"/api/v1/courses/{original.id}/assets",
        files={"file": ("map.png", png("teal"), "image/png")},
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    return original, headers


async def test_images_survive_export_then_import(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    original, headers = await _course_with_image(client, factory)
    document = await _document(factory, original.id)
    assert [a["name"] for a in document["assets"]] == ["map.png"]

    response = await client.post("/api/v1/courses/import", json=document, headers=headers)
    assert response.status_code == 201, response.text
    copy_id = response.json()["id"]
    assert _content(await _document(factory, copy_id)) == _content(document)
    served = await client.get(f"/api/v1/courses/{copy_id}/assets/map.png", headers=headers)
    assert served.content == png("teal")


async def test_unusable_images_refuse_the_import_and_create_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    original, headers = await _course_with_image(client, factory)
    document = await _document(factory, original.id)
    [asset] = document["assets"]
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    cases = {
        "not base64": {**asset, "data_base64": "%%%"},
        "only PNG, JPEG, GIF and WebP images": {**asset, "data_base64": svg},
        "a name Courzly does not use": {**asset, "name": "../Map.PNG"},
        "says otherwise": {**asset, "name": "map.jpg"},
        "must be unique": [asset, asset],
    }
    courses_before = await _course_count(client, headers)
    for reason, bad in cases.items():
        assets = bad if isinstance(bad, list) else [bad]
        response = await client.post(
            "/api/v1/courses/import", json={**document, "assets": assets}, headers=headers
        )
        assert response.status_code == 422, reason
        assert reason.split()[-1] in response.json()["detail"], (reason, response.json())
    assert await _course_count(client, headers) == courses_before


async def _course_count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    listed = await client.get("/api/v1/courses", headers=headers)
    count: int = listed.json()["total"]
    return count
