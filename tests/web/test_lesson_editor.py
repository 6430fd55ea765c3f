"""The lesson editor in Chromium against the real API and a worker: an Editor types and
adds an image, autosave keeps each version, a Reviewer with the lesson open sees the new
text live, the AI chat's proposed edit is accepted from its diff, and a Viewer can read
but not edit."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from app.core.permissions import Role
from tests.assets.images import png
from tests.factories import Factory
from tests.web.a11y import assert_accessible
from tests.web.helpers import assert_viewer_cannot_edit, open_lesson, screenshot, sign_in


async def test_edit_autosave_image_chat_and_live_readers(
    browser: Browser,
    page: Page,
    site: str,
    worker: None,
    client: httpx.AsyncClient,
    factory: Factory,
) -> None:
    editor, reviewer, viewer = (
        await factory.user(Role.EDITOR),
        await factory.user(Role.REVIEWER),
        await factory.user(Role.VIEWER),
    )
    course = await factory.course(editor, title="Knots for Sailors")
    _, lesson = await factory.lesson(course, editor)
    lesson_url = f"/courses/{course.id}/lessons/{lesson.id}"

    # The Reviewer has the lesson open: they may read it, not edit it.
    reviewer_context = await browser.new_context()
    try:
        reading = await reviewer_context.new_page()
        await open_lesson(reading, site, reviewer.email, lesson_url)
        await expect(reading.get_by_text("Read only")).to_be_visible()
        await expect(reading.get_by_text("Live", exact=True)).to_be_visible()

        # The Editor finds the lesson from the course page and writes.
        await sign_in(page, site, editor.email)
        await expect(page.get_by_role("heading", name="Courses")).to_be_visible()
        await page.goto(f"{site}/courses/{course.id}")
        await page.get_by_role("link", name=lesson.title).click()
        text = page.get_by_role("textbox", name="Lesson text")
        await expect(text).to_contain_text("Hi")
        # Each sees the other there: presence, live.
        await expect(page.get_by_test_id("presence")).to_contain_text("(viewing this lesson)")
        await expect(reading.get_by_test_id("presence")).to_contain_text("(editing this lesson)")
        await text.click()
        await page.keyboard.press("End")
        await page.keyboard.type(" Then tie it twice. ")
        await page.get_by_role("button", name="Bold").click()
        await expect(text).to_be_focused()  # the toolbar hands the focus back to the text
        await page.keyboard.type("Always.")
        await expect(page.get_by_text("All changes saved (version 2)")).to_be_visible()

        # The Reviewer's open page shows it without a reload.
        await expect(reading.get_by_role("textbox", name="Lesson text")).to_contain_text(
            "Then tie it twice. Always."
        )
        await expect(reading.get_by_text("you now see version 2")).to_be_visible()
    finally:
        await reviewer_context.close()

    # An image, uploaded as a course asset and shown from it.
    image = {"name": "bowline.png", "mimeType": "image/png", "buffer": png("teal", (60, 40))}
    await page.get_by_label("Image file to insert").set_input_files(image)
    shown = text.locator('img[data-src="assets/bowline.png"]')
    await expect(shown).to_be_visible()
    # Drawn from the asset's bytes, fetched with the token (an <img> cannot send one).
    await expect(shown).to_have_js_property("naturalWidth", 60)
    await expect(page.get_by_text("All changes saved (version 3)")).to_be_visible()
    saved = await client.get(
        f"/api/v1/courses/{course.id}/lessons/{lesson.id}", headers=await factory.headers(editor)
    )
    assert "**Always.**" in saved.json()["content"]
    assert "![bowline](assets/bowline.png)" in saved.json()["content"]

    # The AI chat beside the editor: the reply streams in, then its proposed edit is
    # accepted from its diff (the offline writer marks the text it edited).
    await page.get_by_label("Message").fill("Please shorten this lesson")
    await page.get_by_role("button", name="Send").click()
    conversation = page.get_by_role("log", name="Conversation")
    asked = "You asked: “Please shorten this lesson”"
    await expect(conversation).to_contain_text(asked, timeout=15_000)
    proposal = page.get_by_label("Proposed edit of the lesson")
    await expect(proposal).to_contain_text("added: > Offline draft: edited without an AI provider")
    await page.get_by_role("button", name="Accept the edit").click()
    await expect(text).to_contain_text("edited without an AI provider")
    await expect(page.get_by_text("All changes saved (version 4)")).to_be_visible()
    await expect(proposal).to_have_count(0)

    await page.get_by_role("button", name="Show versions").click()
    await page.get_by_role("button", name="Version 1, edited by a person").click()
    await expect(page.get_by_label("What restoring version 1 would change")).to_contain_text(
        "removed:"
    )
    await screenshot(page, "lesson-editor")
    await assert_accessible(page)

    # A Viewer reads it and cannot change it.
    await assert_viewer_cannot_edit(browser, site, viewer.email, lesson_url)
