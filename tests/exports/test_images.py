"""Course images end to end: uploaded through the API, shown by a lesson, and carried by
every export format; a reference to anything else is dropped."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.assets.store import MediaStore
from app.core.permissions import Role
from app.exports.formats.all import FORMATS
from tests.assets.images import image_bytes, png
from tests.exports.content import course_with_content
from tests.exports.images_in import dangling_references, images
from tests.exports.readers import ZIPPED
from tests.exports.test_exports_api import _download, _export
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("export_worker")

TEAL = (0, 128, 128)
LESSON = (
    "## Where things are\n\n![The repository](assets/repo-map.png)\n\n"
    '<img src="assets/branches.jpg" alt="Two branches">\n\n'
    "![Never uploaded](assets/missing.png)\n"
)


async def _course_with_images(client: httpx.AsyncClient, factory: Factory) -> tuple[Any, Any]:
    editor = await factory.user(Role.EDITOR)
    course = await course_with_content(factory, editor, approved=True, lesson_text=LESSON)
    headers = await factory.headers(editor)
    uploads = {
        "repo-map.png": png("teal", (40, 30)),
        "branches.jpg": image_bytes("JPEG", (24, 24), "orange"),
    }
    for name, data in uploads.items():
        response = await client.post(
            f"/api/v1/courses/{course.id}/assets",
            files={"file": (name, data, "application/octet-stream")},
            headers=headers,
        )
        assert (response.status_code, response.json()["name"]) == (201, name), response.text
    return course, headers


@pytest.mark.parametrize("fmt", sorted(FORMATS))
async def test_lesson_images_travel_into_every_format(
    client: httpx.AsyncClient, factory: Factory, fmt: str
) -> None:
    course, headers = await _course_with_images(client, factory)
    done = await _export(client, course.id, fmt, headers)
    assert done["status"] == "succeeded", done
    data = (await _download(client, course.id, done["id"], headers)).content

    found = images(fmt, data)
    sizes = sorted(image.size for image in found)
    assert {(24, 24), (40, 30)} <= set(sizes), (fmt, sizes)
    teal = next(image for image in found if image.size == (40, 30))
    assert teal.convert("RGB").getpixel((20, 15)) == TEAL, fmt
    if fmt in ZIPPED and fmt != "docx":
        assert dangling_references(data) == [], fmt
    if fmt == "json":
        lesson = json.loads(data)["modules"][0]["lessons"][1]
        assert 'src="assets/repo-map.png"' in lesson["html"]
        assert "missing.png" not in lesson["html"]  # not a course asset: dropped


async def test_an_export_whose_image_file_is_gone_fails_naming_the_image(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    course, headers = await _course_with_images(client, factory)
    for path in (MediaStore.of(factory.settings).root / str(course.id)).iterdir():
        path.unlink()
    done = await _export(client, course.id, "html", headers)
    assert done["status"] == "failed"
    assert "branches.jpg" in done["error"]
    assert "media backup" in done["error"]
