"""Admin screens in Chromium against the real API: create a user, change a global role, add
the new user to a course and remove them again; axe-core and a Tab pass on each screen."""

from __future__ import annotations

from playwright.async_api import Page, expect

from app.core.permissions import Role
from tests.factories import Factory
from tests.web.a11y import assert_accessible
from tests.web.helpers import screenshot, sign_in


async def test_an_admin_manages_users_and_course_members(
    page: Page, site: str, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin, title="Safe Ladders")
    await sign_in(page, site, admin.email)

    await page.get_by_role("link", name="Admin").click()
    await expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    await page.get_by_label("E-mail", exact=True).fill("grace@example.com")
    await page.get_by_label("Display name").fill("Grace Hopper")
    await page.get_by_label("Global role").select_option("viewer")
    await page.get_by_label("Initial password").fill("a long enough passphrase")
    await page.get_by_role("button", name="Create user").click()
    role = page.get_by_label("Role of Grace Hopper")
    await expect(role).to_have_value("viewer")
    await role.select_option("reviewer")
    await expect(page.get_by_role("status")).to_contain_text("Grace Hopper")
    await screenshot(page, "admin-users")
    await assert_accessible(page)

    await page.goto(f"{site}/courses/{course.id}")
    await page.get_by_role("link", name="Members").click()
    await page.get_by_label("Find a user").fill("grace")
    await page.get_by_label("User", exact=True).select_option(
        label="Grace Hopper (grace@example.com)"
    )
    await page.get_by_label("Course role", exact=True).select_option("editor")
    await page.get_by_role("button", name="Add member").click()
    await expect(page.get_by_label("Course role of Grace Hopper")).to_have_value("editor")
    await screenshot(page, "course-members")
    await assert_accessible(page)

    await page.get_by_role("button", name="Remove Grace Hopper from members").click()
    await page.get_by_role("button", name="Yes, remove Grace Hopper").click()
    await expect(page.get_by_label("Course role of Grace Hopper")).to_have_count(0)

    async with factory.sessions() as session:
        from sqlalchemy import select

        from app.users.models import User

        grace = await session.scalar(select(User).where(User.email == "grace@example.com"))
    assert grace is not None
    assert (grace.display_name, grace.role) == ("Grace Hopper", Role.REVIEWER)
