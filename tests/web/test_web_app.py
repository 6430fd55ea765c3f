"""The web app's production build in headless Chromium against the real API, PostgreSQL and
Redis: sign in, the courses dashboard, a reload that renews the session, sign out.
Screenshots of each screen go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from app.config import Settings
from app.core.permissions import Role
from app.migrate import ROOT
from tests.browser import chromium
from tests.factories import PASSWORD, Factory
from tests.web.live import live_server

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def site(settings: Settings, app: object) -> AsyncIterator[str]:
    async with live_server(settings) as base:
        yield base


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context()
    opened = await context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    await context.close()
    assert problems == [], problems


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, site: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{site}/")
    await expect(page).to_have_url(f"{site}/sign-in", timeout=10_000)
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_an_editor_signs_in_finds_a_course_and_signs_out(
    page: Page, site: str, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    await factory.course(editor, title="Safe Ladders")
    await factory.course(editor, title="Knots for Sailors")

    await sign_in(page, site, editor.email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    await expect(page.get_by_text("Safe Ladders")).to_be_visible()
    await expect(page.get_by_text("Knots for Sailors")).to_be_visible()
    await expect(page.get_by_role("link", name="New course")).to_be_visible()
    await screenshot(page, "courses-dashboard")

    await page.get_by_label("Search titles").fill("knots")
    await expect(page.get_by_text("Safe Ladders")).to_be_hidden()
    await expect(page.get_by_text("Knots for Sailors")).to_be_visible()

    # A reload drops the in-memory access token; the refresh token renews the session.
    await page.reload()
    await expect(page.get_by_text("Knots for Sailors")).to_be_visible()

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{site}/sign-in")
    await page.goto(f"{site}/")
    await expect(page).to_have_url(f"{site}/sign-in")


async def test_a_wrong_password_is_refused_with_the_servers_message(
    page: Page, site: str, factory: Factory
) -> None:
    viewer = await factory.user(Role.VIEWER)

    await sign_in(page, site, viewer.email, "not the password at all")
    await expect(page.get_by_role("alert")).to_be_visible()
    await screenshot(page, "sign-in-refused")
    assert "/sign-in" in page.url


async def test_a_viewer_sees_courses_but_cannot_create_one(
    page: Page, site: str, factory: Factory
) -> None:
    viewer = await factory.user(Role.VIEWER)

    await sign_in(page, site, viewer.email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    await expect(page.get_by_role("link", name="New course")).to_have_count(0)
