"""Webhook and notification screens in Chromium against the real API: a global admin adds an
endpoint that a real receiver on loopback verifies (its secret copied from the page), sends
it a test event and reads its delivery log after a real event; a private address is refused
at the field; a course admin finds the course's webhooks from the course page and a Viewer
does not; any user turns off a kind of mail and finds it still off after a reload. axe-core
and a Tab pass on each screen, and a screenshot of each."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect

from app.core.permissions import Role
from app.realtime.events import EventType
from tests.chat.support import job_context
from tests.factories import Factory
from tests.web.a11y import assert_accessible
from tests.web.helpers import screenshot, sign_in
from tests.webhooks.receiver import receiving
from tests.webhooks.support import deliver_due, happen

PRIVATE_URL = "http://10.1.2.3/x"


async def open_organisation_webhooks(page: Page, site: str, email: str) -> None:
    await sign_in(page, site, email)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    await expect(page).to_have_url(f"{site}/admin/webhooks")
    await expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()


async def test_an_admin_adds_an_endpoint_tests_it_and_reads_its_delivery_log(
    page: Page, site: str, app: Any, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    course = await factory.course(admin, title="Safe Ladders")
    # The Copy button writes to the clipboard, which the test then reads back.
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)

    with receiving() as receiver:  # it knows no secret yet: it answers 401 to everything
        await open_organisation_webhooks(page, site, admin.email)
        await expect(page.get_by_text("No endpoints yet: add one below.")).to_be_visible()

        form = page.get_by_role("form", name="Add an endpoint")
        await form.get_by_label("Endpoint URL").fill(receiver.url)
        await form.get_by_label("Description (optional)").fill("Ops alerts")
        await form.get_by_role("checkbox", name="Run failed").check()
        await form.get_by_role("button", name="Add endpoint").click()

        shown = page.get_by_role("textbox", name=f"Signing secret of {receiver.url}")
        await expect(shown).to_be_focused()
        await expect(shown).to_have_value(re.compile(r"^whsec_[A-Za-z0-9+/=]{32,}$"))
        await expect(
            page.get_by_role("status").filter(has_text=f"Added {receiver.url}.")
        ).to_be_visible()
        await page.get_by_role("button", name="Copy", exact=True).click()
        await expect(
            page.get_by_role("status").filter(has_text="Copied to the clipboard.")
        ).to_be_visible()
        secret: str = await page.evaluate("navigator.clipboard.readText()")
        assert secret == await shown.input_value()
        receiver.secrets.append(secret)
        await screenshot(page, "webhooks-secret-shown-once")
        await assert_accessible(page)

        await page.get_by_role("button", name="I have stored the secret").click()
        await expect(shown).to_have_count(0)
        await expect(page.get_by_role("heading", name="Add an endpoint")).to_be_focused()
        await expect(page.locator("body")).not_to_contain_text(secret)
        await page.reload()
        card = page.get_by_role("article", name=receiver.url)
        await expect(card).to_contain_text("Ops alerts")
        await expect(card).to_contain_text("Events: Run failed")
        await expect(page.locator("body")).not_to_contain_text(secret)  # shown once only

        await card.get_by_role("button", name="Send test event").click()
        await expect(
            card.get_by_text(re.compile(r"^Test event delivered: HTTP 200 in \d+ ms\.$"))
        ).to_be_visible()
        assert receiver.types() == ["webhook.test"]
        assert receiver.messages[0].verified_with == [secret]
        await screenshot(page, "webhooks-test-event")
        await assert_accessible(page)

        await happen(app, course, EventType.RUN_FAILED, {"error": "model down"})
        await deliver_due(job_context(app))
        assert receiver.types() == ["webhook.test", "run.failed"]
        delivered = receiver.messages[1]
        assert delivered.verified_with == [secret]
        assert delivered.payload["data"]["course"]["title"] == "Safe Ladders"
        assert delivered.payload["data"]["error"] == "model down"

    await card.get_by_role("button", name="Show delivery log").click()
    log = card.get_by_role("table", name=f"Deliveries to {receiver.url}")
    rows = log.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    await expect(rows).to_have_count(1)
    row = rows.filter(has_text="run.failed")
    await expect(row.get_by_role("rowheader")).to_have_text("Run failedrun.failed")
    await expect(row.get_by_role("cell").nth(0)).to_have_text("Succeeded")
    await expect(row.get_by_role("cell").nth(1)).to_have_text("1")
    await expect(row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^HTTP 200, \d+ ms$"))

    await row.get_by_role("button", name=re.compile(r"^Details of Run failed at ")).click()
    await expect(card.get_by_role("region", name="Payload")).to_contain_text(
        '"error": "model down"'
    )
    await expect(card.get_by_text(delivered.message_id, exact=True)).to_be_visible()
    attempts = card.get_by_role("table", name="Attempts")
    await expect(attempts.get_by_role("cell", name="Delivered", exact=True)).to_be_visible()
    await screenshot(page, "webhooks-delivery-log")
    await assert_accessible(page)


async def test_a_private_address_is_refused_at_the_url_field(
    page: Page, site: str, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    await open_organisation_webhooks(page, site, admin.email)

    form = page.get_by_role("form", name="Add an endpoint")
    url = form.get_by_label("Endpoint URL")
    await url.fill(PRIVATE_URL)
    await form.get_by_role("checkbox", name="Run started").check()
    await form.get_by_role("button", name="Add endpoint").click()

    await expect(url).to_have_attribute("aria-invalid", "true")
    await expect(url).to_have_accessible_description(
        re.compile(r"10\.1\.2\.3 resolves to 10\.1\.2\.3, an address inside this network")
    )
    await expect(url).to_be_focused()
    await expect(url).to_have_value(PRIVATE_URL)
    await expect(page.get_by_text("No endpoints yet: add one below.")).to_be_visible()
    await screenshot(page, "webhooks-private-address")
    await assert_accessible(page)


async def test_a_course_admin_finds_the_course_webhooks_and_a_viewer_does_not(
    page: Page, site: str, factory: Factory
) -> None:
    owner = await factory.user()  # no global role: admin of their own course only
    viewer = await factory.user()
    course = await factory.course(owner, title="Safe Ladders")
    await factory.member(course, viewer, Role.VIEWER)

    await sign_in(page, site, owner.email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    await expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks")
    ).to_have_count(0)
    await page.goto(f"{site}/courses/{course.id}")
    await expect(page.get_by_role("heading", name="Safe Ladders", exact=True)).to_be_visible()
    await page.get_by_role("navigation", name="Course").get_by_role("link", name="Webhooks").click()
    await expect(page).to_have_url(f"{site}/courses/{course.id}/webhooks")
    await expect(page.get_by_role("heading", name="Webhooks of Safe Ladders")).to_be_visible()
    await expect(page.get_by_text("No endpoints yet: add one below.")).to_be_visible()
    await expect(page.get_by_role("form", name="Add an endpoint")).to_be_visible()
    await screenshot(page, "webhooks-course")
    await assert_accessible(page)

    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, site, viewer.email)
    await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    # The refusal is worded from the viewer's course role, so the role is known by then; the
    # course page, reached by its link, renders from that same member list.
    await page.goto(f"{site}/courses/{course.id}/webhooks")
    await expect(page.get_by_role("alert")).to_have_text(
        "Only administrators and this course's admin members can manage its webhooks."
    )
    await expect(page.get_by_role("form", name="Add an endpoint")).to_have_count(0)
    await page.get_by_role("link", name="Back to the course").click()
    await expect(page.get_by_role("heading", name="Safe Ladders", exact=True)).to_be_visible()
    course_nav = page.get_by_role("navigation", name="Course")
    await expect(course_nav.get_by_role("link", name="Members")).to_be_visible()
    await expect(course_nav.get_by_role("link", name="Webhooks")).to_have_count(0)


async def test_a_user_turns_off_run_failed_mail_and_it_stays_off(
    page: Page, site: str, factory: Factory
) -> None:
    user = await factory.user(Role.EDITOR)
    await sign_in(page, site, user.email)
    await page.get_by_role("link", name="Notification settings").click()
    await expect(page).to_have_url(f"{site}/settings/notifications")
    await expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()

    run_failed = page.get_by_role("checkbox", name="A generation run failed")
    await expect(run_failed).to_be_checked()
    await expect(run_failed).to_be_enabled()
    for security in (
        "Your password was changed",
        "Your account was locked after failed sign-ins",
        "A webhook was disabled after repeated failures",
    ):
        box = page.get_by_role("checkbox", name=security)
        await expect(box).to_be_checked()
        await expect(box).to_be_disabled()
    await screenshot(page, "notification-settings")
    await assert_accessible(page)

    await run_failed.uncheck()
    await expect(page.get_by_text("You have unsaved changes.")).to_be_visible()
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status")).to_have_text("Your notification settings are saved.")

    await page.reload()
    await expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    await expect(run_failed).not_to_be_checked()
    await expect(
        page.get_by_role("checkbox", name="A course is waiting for your review")
    ).to_be_checked()
    await expect(page.get_by_role("checkbox", name="Your password was changed")).to_be_disabled()
