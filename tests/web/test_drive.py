"""Google Drive in Chromium against the real API and a fake Google over real HTTP: an author
connects from the Integrations page (the browser goes to the fake's consent URL, which sends
it back to the site's callback), makes a folder and chooses it, sends a finished export to
Drive from the exports page with a real worker uploading it, and disconnects, which revokes
the grant at Google; a refused consent shows why nothing was connected. axe-core and a Tab
pass on each screen, and a screenshot of each."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from app.config import Environment, Settings
from app.core.permissions import Role
from app.integrations.google.oauth import CALLBACK_PATH
from app.integrations.models import DriveSync, GoogleConnection
from tests.factories import Factory
from tests.fakes.google import FOLDER, Endpoint, FakeGoogle, serving
from tests.fakes.google_fixtures import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET
from tests.integrations.support import finished_export
from tests.web.a11y import assert_accessible
from tests.web.helpers import screenshot, sign_in
from tests.web.live import live_server, loopback_listener, site_url
from tests.workers import running_worker

ACCOUNT = "ada@example.org"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"  # not text: bytes must survive
SYNC_SECONDS = 30_000  # the worker's outbox round (2 s) and the page's poll (3 s), with room


@dataclass(frozen=True)
class DriveSite:
    url: str
    google: FakeGoogle
    settings: Settings


def pointing_at(google: FakeGoogle) -> dict[str, Any]:
    """The Settings fields (by name, parsed) that send Courzly's Google calls to `google`."""
    overrides = google.settings_overrides()
    parsed = Settings.model_validate({"COURZLY_ENV": Environment.TEST, **overrides})
    fields = {
        name: getattr(parsed, name)
        for name, field in Settings.model_fields.items()
        if field.alias in overrides
    }
    assert len(fields) == len(overrides), (sorted(fields), sorted(overrides))
    return fields


@pytest.fixture
async def drive_site(settings: Settings, app: object) -> AsyncIterator[DriveSite]:
    """The site, its PUBLIC_URL its own address, with a fake Google of its own that accepts
    the site's callback as its only redirect URI: the port is taken before either starts.
    The session's `settings` and `app` are not touched (the site gets a copy)."""
    with closing(loopback_listener()) as listener:
        url = site_url(listener)
        google = FakeGoogle(
            FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, redirect_uris=[f"{url}{CALLBACK_PATH}"]
        )
        with serving(google):
            site_settings = settings.model_copy(update={"public_url": url, **pointing_at(google)})
            async with live_server(site_settings, listener) as served:
                assert served == url
                yield DriveSite(url, google, site_settings)


@pytest.fixture
async def drive_worker(drive_site: DriveSite) -> AsyncIterator[None]:
    """A job worker whose Google calls go to the site's fake Google."""
    async with running_worker(drive_site.settings):
        yield


async def open_integrations(page: Page, site: str, email: str) -> None:
    await sign_in(page, site, email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    await page.get_by_role("banner").get_by_role("link", name="Integrations", exact=True).click()
    await expect(page).to_have_url(f"{site}/settings/integrations")
    await expect(page.get_by_role("heading", name="Integrations", exact=True)).to_be_visible()


async def test_an_author_connects_drive_syncs_an_export_and_disconnects(
    page: Page,
    drive_site: DriveSite,
    drive_worker: None,
    app: Any,
    factory: Factory,
) -> None:
    site, google = drive_site.url, drive_site.google
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author, title="Safe Ladders")
    export = await finished_export(app, course.id, PDF)
    google.approve_as(ACCOUNT)

    await open_integrations(page, site, author.email)
    drive = page.get_by_role("region", name="Google Drive")
    connect = drive.get_by_role("button", name="Connect Google Drive")
    await expect(connect).to_be_visible()
    await screenshot(page, "drive-not-connected")
    await assert_accessible(page)

    await connect.click()
    # Google's answer came back through the callback; the page took the outcome out of its URL.
    await expect(
        page.get_by_role("status").filter(has_text="Google Drive is connected.")
    ).to_be_visible()
    await expect(page).to_have_url(f"{site}/settings/integrations")
    await expect(drive.get_by_text("Connected.", exact=True)).to_be_visible()
    await expect(drive.get_by_text(f"Account: {ACCOUNT}")).to_be_visible()
    [authorize] = google.requests_to(Endpoint.AUTHORIZE)  # the browser's own visit
    assert (authorize.status, authorize.params["redirect_uri"]) == (302, f"{site}{CALLBACK_PATH}")
    assert authorize.params["code_challenge_method"] == "S256"
    assert [r.status for r in google.requests_to(Endpoint.TOKEN)] == [200]
    await expect(drive.get_by_text("No folder chosen yet")).to_be_visible()

    await (
        drive.get_by_role("form", name="Create a folder")
        .get_by_label("New folder name")
        .fill("Course exports")
    )
    await drive.get_by_role("button", name="Create folder").click()
    await expect(drive.get_by_role("status")).to_have_text(
        "Created “Course exports”. Choose it in the list to send exports there."
    )
    [folder] = [f for f in google.files if f.mime_type == FOLDER]
    assert (folder.name, folder.parents) == ("Course exports", [])
    folders = drive.get_by_role("list", name="Your Courzly folders")
    await folders.get_by_role("button", name="Use this folder “Course exports”").click()
    await expect(drive.get_by_role("status")).to_have_text("Exports now go to “Course exports”.")
    await expect(folders.get_by_text("Export folder", exact=True)).to_be_visible()
    await expect(drive.get_by_role("link", name=re.compile("^Course exports"))).to_have_count(2)
    await screenshot(page, "drive-connected-folder-chosen")
    await assert_accessible(page)

    await page.goto(f"{site}/courses/{course.id}/exports")
    await expect(page.get_by_role("heading", name="Export: Safe Ladders")).to_be_visible()
    section = page.get_by_role("region", name="Google Drive")
    await expect(
        section.get_by_text("No export of this course is in your Drive yet.")
    ).to_be_visible()
    await page.get_by_role("button", name=re.compile(r"^Sync to Drive \(PDF from ")).click()
    form = section.get_by_role(
        "form", name=re.compile(r"^Sync the PDF export of .+ to Google Drive$")
    )
    await expect(form.get_by_role("heading")).to_be_focused()
    await expect(form).to_contain_text("Folder: Course exports")
    await form.get_by_label("Keep this file up to date with later exports of this format").check()
    await form.get_by_role("button", name="Send to Drive").click()
    await expect(section.get_by_role("status").first).to_have_text(
        "The PDF export is on its way to “Course exports”; its progress shows below."
    )
    await expect(form).to_have_count(0)

    files = section.get_by_role("table", name="Your Google Drive files of this course")
    row = files.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    await expect(row).to_have_count(1)
    await expect(row.get_by_role("rowheader")).to_have_text("PDFKept up to date")
    await expect(row.get_by_text("In Drive", exact=True)).to_be_visible(timeout=SYNC_SECONDS)
    name = f"{course.slug}-draft.pdf"  # the course is not finally approved
    [uploaded] = [f for f in google.files if f.mime_type != FOLDER]
    assert (uploaded.name, uploaded.parents, uploaded.content) == (name, [folder.id], PDF)
    assert uploaded.mime_type == "application/pdf"
    link = row.get_by_role("link", name=f"{name} (opens Google Drive in a new tab)")
    await expect(link).to_have_attribute("href", f"{google.base_url}/file/d/{uploaded.id}/view")
    await expect(link).to_have_attribute("target", "_blank")
    await expect(row.get_by_role("cell").nth(0)).to_have_text("Course exports")
    await screenshot(page, "drive-export-synced")
    await assert_accessible(page)

    await page.get_by_role("banner").get_by_role("link", name="Integrations", exact=True).click()
    drive = page.get_by_role("region", name="Google Drive")
    await drive.get_by_role("button", name="Disconnect", exact=True).click()
    confirm = drive.get_by_role("group", name="Confirm disconnecting Google Drive")
    await expect(confirm).to_contain_text(f"Disconnect {ACCOUNT}?")
    await expect(confirm.get_by_role("button", name="Yes, disconnect")).to_be_focused()
    await confirm.get_by_role("button", name="Yes, disconnect").click()
    await expect(drive.get_by_role("status")).to_have_text(
        "Google Drive is disconnected. Files already sent stay in your Drive."
    )
    await expect(drive.get_by_role("button", name="Connect Google Drive")).to_be_visible()
    await expect(drive.get_by_text("Connected.", exact=True)).to_have_count(0)
    await expect(drive.get_by_text(ACCOUNT)).to_have_count(0)
    assert [r.status for r in google.requests_to(Endpoint.REVOKE)] == [200]
    assert all(grant.revoked for grant in google.state.grants)
    assert google.file(uploaded.id).content == PDF  # the file stays in Drive
    async with app.state.sessions() as session:
        assert await session.get(GoogleConnection, author.id) is None
        sync = await session.scalar(select(DriveSync).where(DriveSync.course_id == course.id))
    assert sync is not None
    assert (sync.export_id, sync.file_id, sync.keep_synced) == (export.id, uploaded.id, True)
    await screenshot(page, "drive-disconnected")
    await assert_accessible(page)


async def test_refusing_consent_at_google_says_so_and_connects_nothing(
    page: Page, drive_site: DriveSite, factory: Factory
) -> None:
    site, google = drive_site.url, drive_site.google
    author = await factory.user(Role.EDITOR)
    google.deny_consent()

    await open_integrations(page, site, author.email)
    drive = page.get_by_role("region", name="Google Drive")
    await drive.get_by_role("button", name="Connect Google Drive").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Google Drive was not connected: You did not allow access.")
    await expect(page).to_have_url(f"{site}/settings/integrations")
    await expect(drive.get_by_role("button", name="Connect Google Drive")).to_be_visible()
    await expect(drive.get_by_text("Connected.", exact=True)).to_have_count(0)
    assert [r.status for r in google.requests_to(Endpoint.AUTHORIZE)] == [302]
    assert google.requests_to(Endpoint.TOKEN) == []
    await screenshot(page, "drive-consent-refused")
    await assert_accessible(page)

    await alert.get_by_role("button", name="Dismiss").click()
    await expect(alert).to_have_count(0)
    await page.reload()
    await expect(drive.get_by_role("button", name="Connect Google Drive")).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_count(0)  # said once, not on a reload
