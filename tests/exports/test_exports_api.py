"""Exports through the API: queued as jobs, progress on the course channel, stored, and
downloaded through short-lived signed links."""

from __future__ import annotations

import asyncio
import io
import json
import re
import time
import uuid
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.core.permissions import Role
from app.exports.formats import Format
from app.exports.formats.all import FORMATS
from app.realtime.models import WorkflowEvent
from tests.exports.content import course_with_content
from tests.exports.readers import all_text
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("export_worker")


async def _export(
    client: httpx.AsyncClient, course_id: Any, fmt: str, headers: dict[str, str]
) -> dict[str, Any]:
    base = f"/api/v1/courses/{course_id}/exports"
    queued = await client.post(base, json={"format": fmt}, headers=headers)
    assert queued.status_code == 202, queued.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = (await client.get(base, headers=headers)).json()
        found = next(e for e in listed if e["id"] == queued.json()["id"])
        if found["status"] in ("succeeded", "failed"):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("the export did not finish")


async def _download(
    client: httpx.AsyncClient, course_id: Any, export_id: str, headers: dict[str, str]
) -> httpx.Response:
    link = await client.get(
        f"/api/v1/courses/{course_id}/exports/{export_id}/download", headers=headers
    )
    assert link.status_code == 200, link.text
    return await client.get(link.json()["url"])  # no credentials: the link is the permission


# How formats mark a draft: "(draft)" after titles, or a "Draft:" notice (class names aside).
DRAFT_MARK = re.compile(r"\(draft\)|draft(?:\*\*|</strong>)?:")


async def test_every_format_exports_and_downloads_marked_as_a_draft(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, viewer = await factory.user(Role.EDITOR), await factory.user(Role.VIEWER)
    course = await course_with_content(factory, editor)
    as_editor, as_viewer = await factory.headers(editor), await factory.headers(viewer)
    formats = (
        await client.get(f"/api/v1/courses/{course.id}/exports/formats", headers=as_viewer)
    ).json()
    assert formats == sorted(FORMATS)
    assert {"json", "markdown", "html", "pdf", "docx", "epub"} <= set(formats)
    assert {"scorm12", "scorm2004", "cmi5", "imscc"} <= set(formats)
    files = {}
    for fmt in formats:
        done = await _export(client, course.id, fmt, as_editor)
        assert (done["status"], done["is_draft"]) == ("succeeded", True), done
        response = await _download(client, course.id, done["id"], as_viewer)
        assert response.status_code == 200
        disposition = response.headers["content-disposition"]
        assert f"git-for-designers-draft.{FORMATS[fmt].extension}" in disposition
        assert response.headers["content-type"].startswith(FORMATS[fmt].media_type)
        files[fmt] = response.content
        if fmt != "json":  # Course JSON says `"approved": false`, checked below
            assert DRAFT_MARK.search(all_text(fmt, response.content).lower()), fmt

    document = json.loads(files["json"])
    assert document["schema_version"] == "1.0"
    assert document["course"]["approved"] is False
    assert [lesson["key"] for m in document["modules"] for lesson in m["lessons"]] == [
        "m1-l1",
        "m1-l2",
        "m2-l1",
    ]
    archive = zipfile.ZipFile(io.BytesIO(files["markdown"]))
    assert sorted(archive.namelist()) == [
        "course.md",
        "lessons/m1-l1.md",
        "lessons/m1-l2.md",
        "lessons/m2-l1.md",
    ]
    assert "**Draft**" in archive.read("course.md").decode()
    html = files["html"].decode()
    assert "(draft)" in html
    assert '<a href="#m1-l1">Your first commit</a>' in html
    assert "<table>" in html
    assert 'class="language-sh"' in html

    async with factory.sessions() as session:
        types = list(
            await session.scalars(
                select(WorkflowEvent.type).where(WorkflowEvent.course_id == course.id)
            )
        )
    assert types.count("export.ready") == len(formats)
    assert "export.progress" in types


# A `javascript:` URL as the target of a link, in any format's way of writing one.
JAVASCRIPT_LINK = re.compile(r'(?:href|target)="javascript|/uri javascript')


@pytest.mark.parametrize("fmt", sorted(FORMATS))
async def test_hostile_lesson_content_is_neutralised(
    client: httpx.AsyncClient, factory: Factory, fmt: str
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await course_with_content(factory, editor, approved=True)
    headers = await factory.headers(editor)
    done = await _export(client, course.id, fmt, headers)
    assert (done["status"], done["is_draft"]) == ("succeeded", False), done
    payload = (await _download(client, course.id, done["id"], headers)).content
    if fmt == "json":
        # The stored Markdown travels as is (it is the source); what formats show is clean.
        text = "".join(
            lesson["html"] for m in json.loads(payload)["modules"] for lesson in m["lessons"]
        ).lower()
    else:
        text = all_text(fmt, payload).lower()
        assert not DRAFT_MARK.search(text)
    for forbidden in ("<script>alert", "onerror", "onclick", "steal()", "evil.example"):
        assert forbidden not in text, (fmt, forbidden)
    # A `javascript:` target is never a link: formats show it as plain text or drop it.
    assert not JAVASCRIPT_LINK.search(text), fmt
    if fmt == "markdown":
        assert "](javascript" not in text
        assert "[click](#removed-link) and docs" in text  # raw HTML tags go, their text stays
    else:
        assert "https://docs.example/ok" in text  # ordinary links stay


@pytest.mark.parametrize("fmt", sorted(FORMATS))
async def test_a_lesson_too_large_fails_the_export_with_a_clear_reason(
    client: httpx.AsyncClient, factory: Factory, fmt: str
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await course_with_content(factory, editor, lesson_text="word " * 1_000_000)
    done = await _export(client, course.id, fmt, await factory.headers(editor))
    assert done["status"] == "failed"
    assert "Lesson m1-l2 is 5.0 MB" in done["error"]
    assert "Split it" in done["error"]


async def test_links_are_signed_and_expire(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await course_with_content(factory, editor)
    headers = await factory.headers(editor)
    done = await _export(client, course.id, "json", headers)
    url = (
        await client.get(
            f"/api/v1/courses/{course.id}/exports/{done['id']}/download", headers=headers
        )
    ).json()["url"]
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    assert (await client.get(tampered)).status_code == 403
    other = url.replace(done["id"], str(uuid.uuid4()))
    assert (await client.get(other)).status_code == 403
    expired = url.replace("expires=", "expires=1")  # a different, long-past expiry
    assert (await client.get(expired)).status_code in (403, 422)


async def test_bad_requests_are_clear(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await course_with_content(factory, editor)
    headers = await factory.headers(editor)
    base = f"/api/v1/courses/{course.id}/exports"
    unknown = await client.post(base, json={"format": "pptx"}, headers=headers)
    assert unknown.status_code == 422
    assert "choose one of" in unknown.json()["detail"]
    missing = await client.get(f"{base}/{uuid.uuid4()}/download", headers=headers)
    assert missing.status_code == 404


async def test_a_renderer_that_breaks_fails_the_export_without_leaking_the_error(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(document: object) -> bytes:
        raise RuntimeError("internal detail /srv/secret")

    html = FORMATS["html"]
    monkeypatch.setitem(FORMATS, "html", Format(html.name, html.extension, html.media_type, broken))
    editor = await factory.user(Role.EDITOR)
    course = await course_with_content(factory, editor)
    done = await _export(client, course.id, "html", await factory.headers(editor))

    assert done["status"] == "failed"
    assert done["error"] == "The html file could not be built; the error is in the worker's log."
