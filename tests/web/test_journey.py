"""An author's path through the web app against the real API, a worker (offline writer),
PostgreSQL and Redis: brief and cost estimate, the run to the outline gate watched live, the
outline edited (a lesson retitled and dragged first) and approved, the lessons streamed into
the live run view as they are written, a Reviewer in a second browser approving one lesson
and rejecting the other from the queue while the author's view updates without a reload
(only the rejected lesson is written again), and a SCORM 2004 export."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, expect

from app.core.permissions import Role
from tests.factories import Factory
from tests.web.a11y import assert_accessible
from tests.web.helpers import screenshot, sign_in
from tests.workflow.runs.helpers import RunDriver, waiting_at

COURSE_URL = re.compile(r"/courses/([0-9a-f-]{36})$")
TITLE = "Knots for Sailors"


async def write_a_brief_and_start(page: Page, site: str) -> str:
    await page.get_by_role("link", name="New course").click()
    await expect(page.get_by_role("heading", name="New course")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("Title", exact=True).fill(TITLE)
    await page.get_by_label("Audience").fill("People new to sailing")
    await page.get_by_role("textbox", name="Objective 1").fill("Tie a bowline without looking")
    await page.get_by_label("Modules").fill("1")
    await page.get_by_label("Lessons per module").fill("2")
    start = page.get_by_role("button", name="Start")
    await expect(start).to_be_disabled()  # no estimate yet

    await page.get_by_role("button", name="Estimate cost").click()
    await expect(start).to_be_enabled()
    await screenshot(page, "new-course-estimated")
    await assert_accessible(page)
    await start.click()

    await expect(page).to_have_url(COURSE_URL)
    await expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    found = COURSE_URL.search(page.url)
    assert found is not None
    return found.group(1)


async def test_brief_estimate_run_review_and_export(
    browser: Browser,
    page: Page,
    site: str,
    worker: None,
    client: httpx.AsyncClient,
    factory: Factory,
) -> None:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    await sign_in(page, site, editor.email)
    course_id = await write_a_brief_and_start(page, site)

    runs = RunDriver(client, course_id)
    as_editor = await factory.headers(editor)
    listed = await client.get(f"/api/v1/courses/{course_id}/runs", headers=as_editor)
    run_id = listed.json()[0]["id"]
    await runs.wait(run_id, as_editor, waiting_at("outline"))

    # The Editor follows the run live: its page stays open, and is never reloaded below.
    await page.get_by_role("link", name="Live run").click()
    await expect(page.get_by_role("heading", name=f"{TITLE}: workflow run")).to_be_visible()
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()
    waiting_step = page.locator("li[aria-current=step]")
    await expect(waiting_step).to_contain_text("Outline review")

    # The Editor owns the course, so they review the outline: retitle a lesson, drag it
    # first, approve with the edits.
    await page.get_by_role("link", name="Review the outline").click()
    await expect(page.get_by_role("heading", name=f"{TITLE}: outline")).to_be_visible()
    await page.get_by_label("Lesson 1.2 title").fill("Reading the wind")
    second, first = (page.locator(f"[data-sortable-key=m1-l{n}]") for n in (2, 1))
    await second.drag_to(first)
    await expect(page.get_by_label("Lesson 1.1 title")).to_have_value("Reading the wind")
    await screenshot(page, "outline-review")
    await assert_accessible(page)
    await page.get_by_role("button", name="Approve with my edits").click()

    # Back on the live run view: the lessons stream in the new order, each to its gate.
    await expect(page.get_by_role("heading", name=f"{TITLE}: workflow run")).to_be_visible()
    lessons = page.locator("[data-lesson-stream]")
    await expect(lessons).to_have_count(2, timeout=15_000)
    lesson_list = page.get_by_role("region", name="Lessons")
    await expect(lesson_list.get_by_text("Waiting for review", exact=True)).to_have_count(2)
    await expect(waiting_step).to_contain_text("Lessons and their reviews")
    await expect(lesson_list.get_by_role("listitem").first).to_contain_text("Reading the wind")
    for text in await lessons.all_text_contents():
        assert len(text) > 200, text  # the whole lesson arrived, token batch by batch
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", count=2))
    outline = next(g for g in state["gates"] if g["kind"] == "outline")
    assert (outline["status"], outline["decision"]) == ("applied", "edit")

    # The Reviewer, in a browser of their own, approves that lesson from the queue; the
    # Editor's page shows it at once.
    reviewer_context = await browser.new_context()
    try:
        queue = await reviewer_context.new_page()
        await sign_in(queue, site, reviewer.email)
        await queue.get_by_role("link", name="Reviews").click()
        subject = f"lesson 'Reading the wind' of '{TITLE}'"
        approve = queue.get_by_role("button", name=f"Approve {subject}")
        await expect(approve).to_be_visible()
        await screenshot(queue, "review-queue")
        await assert_accessible(queue)
        await approve.click()
        await expect(approve).to_have_count(0)

        # ... and rejects the other with feedback, in place in the queue.
        other = f"lesson 'Lesson 1.1: Tie a bowline without looking' of '{TITLE}'"
        await queue.get_by_role("button", name=f"Reject {other}", exact=True).click()
        await queue.get_by_label(f"Feedback for {other} (required)").fill("Add a safety check.")
        await (
            queue.get_by_role("form", name=f"Reject {other}")
            .get_by_role("button", name="Send")
            .click()
        )
        await expect(queue.get_by_role("button", name=f"Approve {other}")).to_have_count(0)
    finally:
        await reviewer_context.close()
    await expect(page.get_by_text("The lesson m1-l2 was approved.")).to_be_visible()
    await expect(lesson_list.get_by_role("listitem").first).to_contain_text("Approved")

    # Only the rejected lesson is written again (round 2, with the feedback in its prompt);
    # the approved one stays as it was.
    rejected = lesson_list.get_by_role("listitem").nth(1)
    await expect(
        rejected.get_by_role("button", name="Text so far (round 2)").or_(
            rejected.get_by_role("button", name="Text as written (round 2)")
        )
    ).to_be_visible(timeout=15_000)
    await expect(rejected).to_contain_text("Waiting for review")
    await expect(lesson_list.get_by_role("listitem").first).to_contain_text("Approved")
    # Each written lesson opens in the editor from here.
    await expect(lesson_list.get_by_role("link", name="Reading the wind")).to_have_attribute(
        "href", re.compile(rf"^/courses/{course_id}/lessons/[0-9a-f-]{{36}}$")
    )
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", count=1))
    assert [g["lesson_key"] for g in state["gates"] if g["status"] == "pending"] == ["m1-l1"]
    assert state["lessons"]["m1-l2"]["status"] == "approved"
    unfold = page.get_by_role("button", name="Text as written").first
    await unfold.click()
    await expect(unfold).to_have_attribute("aria-expanded", "true")
    await expect(lessons.first).to_be_visible()
    await screenshot(page, "live-run")
    await assert_accessible(page)

    await page.get_by_role("link", name=f"Back to {TITLE}").click()
    await expect(page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    await expect(page.get_by_text("Waiting for review")).to_be_visible()
    await screenshot(page, "course-overview")
    await assert_accessible(page)

    # The Editor exports SCORM 2004 (a draft: the course is not finally approved).
    await page.goto(f"{site}/courses/{course_id}/exports")
    await page.get_by_label("SCORM 2004 4th Edition").check()
    await page.get_by_role("button", name="Export", exact=True).click()
    download_button = page.get_by_role("button", name=re.compile("^Download"))
    await expect(download_button).to_be_visible(timeout=30_000)
    await screenshot(page, "exports")
    await assert_accessible(page)
    async with page.expect_download() as download_info:
        await download_button.click()
    download = await download_info.value
    assert download.suggested_filename.endswith("-draft.scorm2004.zip")
