"""The web app's production build in headless Chromium against the real API, PostgreSQL and
Redis: sign in, the courses dashboard, a reload that renews the session, sign out.
Screenshots of each screen go to test-artifacts/screenshots/."""

from __future__ import annotations

from playwright.async_api import Page, expect

from app.core.permissions import Role
from tests.factories import Factory
from tests.web.a11y import assert_accessible
from tests.web.helpers import screenshot, sign_in


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
    await assert_accessible(page)

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
    await assert_accessible(page)
    assert "/sign-in" in page.url


async def test_a_viewer_sees_courses_but_cannot_create_one(
    page: Page, site: str, factory: Factory
) -> None:
    viewer = await factory.user(Role.VIEWER)

    await sign_in(page, site, viewer.email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    await expect(page.get_by_role("link", name="New course")).to_have_count(0)
