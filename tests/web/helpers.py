"""What browser tests of the web app do over and over: sign in, keep a screenshot, open a
lesson, check that a Viewer cannot edit it."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from app.migrate import ROOT
from tests.factories import PASSWORD
from tests.web.a11y import assert_accessible

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


async def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot kept as a test artifact (test-artifacts/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, site: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{site}/")
    await expect(page).to_have_url(f"{site}/sign-in", timeout=10_000)
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def open_lesson(page: Page, site: str, email: str, url: str) -> None:
    """Sign in as `email` and open the lesson editor at `url`."""
    await sign_in(page, site, email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    await page.goto(f"{site}{url}")
    await expect(page.get_by_role("textbox", name="Lesson text")).to_be_visible()


async def assert_viewer_cannot_edit(browser: Browser, site: str, email: str, url: str) -> None:
    """In a browser of their own, a Viewer reads the lesson and has no way to change it."""
    context = await browser.new_context()
    try:
        viewing = await context.new_page()
        await open_lesson(viewing, site, email, url)
        await expect(viewing.get_by_text("Read only")).to_be_visible()
        await expect(viewing.get_by_role("toolbar", name="Formatting")).to_have_count(0)
        text = viewing.get_by_role("textbox", name="Lesson text")
        await expect(text).to_have_attribute("contenteditable", "false")
        await expect(viewing.get_by_label("Title")).to_be_disabled()
        await assert_accessible(viewing)
    finally:
        await context.close()
