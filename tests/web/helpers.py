"""What browser tests of the web app do over and over: sign in, keep a screenshot."""

from __future__ import annotations

from playwright.async_api import Page, expect

from app.migrate import ROOT
from tests.factories import PASSWORD

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
