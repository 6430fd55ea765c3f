"""Course assets through the API: uploaded, typed by their bytes, listed, served, deleted."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import httpx
from PIL import Image

from app.assets.store import MediaStore
from app.core.permissions import Role
from tests.assets.images import image_bytes, png
from tests.factories import Factory


async def _setup(factory: Factory) -> tuple[Any, Any, dict[str, str]]:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    return editor, course, await factory.headers(editor)


async def _upload(
    client: httpx.AsyncClient,
    course: Any,
    headers: dict[str, str],
    data: bytes,
    filename: str = "Diagram (final).PNG",
    content_type: str = "image/png",
) -> httpx.Response:
    return await client.post(
        f"/api/v1/courses/{course.id}/assets",
        files={"file": (filename, data, content_type)},
        headers=headers,
    )


async def test_an_uploaded_image_is_typed_by_its_bytes_listed_and_served(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, course, headers = await _setup(factory)
    data = image_bytes("JPEG", (64, 48))
    # The client says PNG and text/plain; the bytes say JPEG, and they win.
    created = await _upload(client, course, headers, data, content_type="text/plain")
    assert created.status_code == 201, created.text
    asset = created.json()
    assert {k: asset[k] for k in ("name", "media_type", "width", "height", "size_bytes")} == {
        "name": "diagram-final.jpg",
        "media_type": "image/jpeg",
        "width": 64,
        "height": 48,
        "size_bytes": len(data),
    }
    assert asset["src"] == "assets/diagram-final.jpg"
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()

    listed = await client.get(f"/api/v1/courses/{course.id}/assets", headers=headers)
    assert [a["name"] for a in listed.json()] == ["diagram-final.jpg"]
    served = await client.get(
        f"/api/v1/courses/{course.id}/assets/diagram-final.jpg", headers=headers
    )
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]


async def test_the_same_image_twice_is_one_asset_and_a_clash_gets_a_new_name(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, course, headers = await _setup(factory)
    first = await _upload(client, course, headers, png("red"), "chart.png")
    again = await _upload(client, course, headers, png("red"), "other-name.png")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    clash = await _upload(client, course, headers, png("blue"), "chart.png")
    assert (clash.status_code, clash.json()["name"]) == (201, "chart-2.png")


async def test_an_image_above_the_default_body_limit_is_accepted(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """The 1 MB body limit guards other routes; an upload has MAX_ASSET_BYTES."""
    _, course, headers = await _setup(factory)
    noise = Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert 1_048_576 < len(buffer.getvalue()) < factory.settings.max_asset_bytes
    created = await _upload(client, course, headers, buffer.getvalue(), "noise.png")
    assert created.status_code == 201, created.text


async def test_files_that_are_not_usable_images_are_refused_with_reasons(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, course, headers = await _setup(factory)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")  # 100 megapixels, a few KB
    cases = {
        "drawing.svg": (svg, 415, "asset_type_unsupported"),
        "text.png": (b"just some text, not an image", 415, "asset_type_unsupported"),
        "cut.png": (png()[:-30], 422, "asset_unreadable"),
        "empty.png": (b"", 422, "asset_unreadable"),
        "bomb.png": (bomb.getvalue(), 422, "asset_unreadable"),
        "big.bmp": (image_bytes("BMP"), 415, "asset_type_unsupported"),
    }
    for filename, (data, status, error) in cases.items():
        response = await _upload(client, course, headers, data, filename)
        assert (response.status_code, response.json()["error"]) == (status, error), filename
        assert response.json()["detail"]
    too_big = b"\x89PNG" + b"\0" * (factory.settings.max_asset_bytes + 10)
    response = await _upload(client, course, headers, too_big, "huge.png")
    assert response.status_code == 413
    listed = await client.get(f"/api/v1/courses/{course.id}/assets", headers=headers)
    assert listed.json() == []  # nothing refused was kept


async def test_a_course_cannot_hold_more_than_its_limit(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: Any
) -> None:
    _, course, headers = await _setup(factory)
    first = png("red")
    monkeypatch.setattr(factory.settings, "max_course_assets_bytes", len(first) + 10)
    assert (await _upload(client, course, headers, first, "a.png")).status_code == 201
    response = await _upload(client, course, headers, png("green"), "b.png")
    assert (response.status_code, response.json()["error"]) == (413, "course_assets_full")
    assert "MAX_COURSE_ASSETS_BYTES" in response.json()["detail"]


async def test_an_image_a_lesson_shows_cannot_be_deleted(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, course, headers = await _setup(factory)
    _, lesson = await factory.lesson(course, editor)
    await _upload(client, course, headers, png(), "chart.png")
    lesson_url = f"/api/v1/courses/{course.id}/lessons/{lesson.id}"
    shown = await client.patch(
        lesson_url,
        json={"content": "See ![the chart](assets/chart.png).", "version": lesson.version},
        headers=headers,
    )
    assert shown.status_code == 200, shown.text
    asset_url = f"/api/v1/courses/{course.id}/assets/chart.png"
    refused = await client.delete(asset_url, headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (409, "asset_in_use")
    assert lesson.title in refused.json()["detail"]

    edited = {"content": "No chart now.", "version": shown.json()["version"]}
    assert (await client.patch(lesson_url, json=edited, headers=headers)).status_code == 200
    assert (await client.delete(asset_url, headers=headers)).status_code == 204
    assert (await client.get(asset_url, headers=headers)).status_code == 404
    files = MediaStore.of(factory.settings).root / str(course.id)
    assert list(files.iterdir()) == []  # the file went with the asset


async def test_unknown_names_and_lost_files_are_404s(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, course, headers = await _setup(factory)
    base = f"/api/v1/courses/{course.id}/assets"
    for name in ("nothing.png", "..%2F..%2Fetc%2Fpasswd", "UPPER.PNG"):
        response = await client.get(f"{base}/{name}", headers=headers)
        assert response.status_code == 404, name
    asset = (await _upload(client, course, headers, png(), "lost.png")).json()
    (MediaStore.of(factory.settings).root / str(course.id) / asset["sha256"]).unlink()
    lost = await client.get(f"{base}/lost.png", headers=headers)
    assert lost.status_code == 404
    assert "media backup" in lost.json()["detail"]
