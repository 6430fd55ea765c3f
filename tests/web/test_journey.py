"""The whole path of issue 5 in Chromium, against the real API, a worker, PostgreSQL, Redis and
the fake OpenAI server (the official `openai` client over HTTP, no offline writer):

an Editor writes a brief and sees its cost estimate, watches the outline stream in, edits
it (a lesson retitled and dragged first) and approves it, watches the lessons stream, rejects
one with feedback from the review queue and sees only that one written again, then edits
the other in the editor while a Reviewer, in a second browser, sees the change live and
approves it; the Editor accepts the AI chat's proposed edit and exports SCORM 2004, and a
Viewer can read the lesson but not edit it. Screenshots of each main screen are kept."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, BrowserContext, Page, expect

from app.core.permissions import Role
from tests.factories import Factory
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.responders import RecordedRequest, default_responder
from tests.web.a11y import assert_accessible
from tests.web.helpers import assert_viewer_cannot_edit, open_lesson, screenshot, sign_in
from tests.workflow.runs.helpers import RunDriver, waiting_at

COURSE_URL = re.compile(r"/courses/([0-9a-f-]{36})$")
TITLE = "Knots for Sailors"
FEEDBACK = "Add a safety check."
BODY = " ".join(["Hold the standing part in one hand and form a small loop with the other."] * 4)
SUMMARY = "Summary: the bowline holds under load and unties after it."


def journey_answers(request: RecordedRequest) -> str:
    """The fake's answers, made long enough to watch them stream: lessons (with a safety
    section once the feedback asks for it) and a chat reply that proposes an edit."""
    answer = default_responder(request)
    if request.schema is None and answer.startswith("# "):  # a lesson
        safety = "\n\n## Safety check\n\nPull both ends hard." if FEEDBACK in request.prompt else ""
        return f"{answer}\n{BODY}{safety}\n"
    if request.schema is None:  # the chat
        return (
            "I added a summary at the end.\n\n```lesson\n# Reading the wind\n\n"
            f"{BODY}\n\n{SUMMARY}\n```\n"
        )
    return answer


async def write_a_brief_and_start(page: Page) -> str:
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
    found = COURSE_URL.search(page.url)
    assert found is not None
    return found.group(1)


async def watch_the_outline_and_approve_it(page: Page, fake: FakeOpenAI) -> None:
    await page.get_by_role("link", name="Live run").click()
    await expect(page.get_by_role("heading", name=f"{TITLE}: workflow run")).to_be_visible()
    await expect(page.get_by_text("Live", exact=True)).to_be_visible()
    fake.release()  # the outline was held back until the Editor watched the run
    sketch = page.get_by_role("region", name="Outline so far")
    await expect(sketch).to_be_visible(timeout=15_000)
    await expect(sketch.get_by_role("listitem").first).to_contain_text("Fake module 1")
    await expect(page.locator("li[aria-current=step]")).to_contain_text(
        "Outline review", timeout=15_000
    )
    await expect(sketch).to_have_count(0)  # written: the outline now waits for review

    await page.get_by_role("link", name="Review the outline").click()
    await expect(page.get_by_role("heading", name=f"{TITLE}: outline")).to_be_visible()
    await expect(page.get_by_label("Lesson 1.1 title")).to_have_value("Fake lesson 1.1")
    await page.get_by_label("Lesson 1.2 title").fill("Reading the wind")
    second, first = (page.locator(f"[data-sortable-key=m1-l{n}]") for n in (2, 1))
    await second.drag_to(first)
    await expect(page.get_by_label("Lesson 1.1 title")).to_have_value("Reading the wind")
    await screenshot(page, "outline-review")
    await assert_accessible(page)
    await page.get_by_role("button", name="Approve with my edits").click()


async def reject_from_the_queue(page: Page, subject: str) -> None:
    await page.get_by_role("link", name="Reviews").click()
    await page.get_by_role("button", name=f"Reject {subject}", exact=True).click()
    await page.get_by_label(f"Feedback for {subject} (required)").fill(FEEDBACK)
    await (
        page.get_by_role("form", name=f"Reject {subject}")
        .get_by_role("button", name="Send")
        .click()
    )
    await expect(page.get_by_role("button", name=f"Reject {subject}", exact=True)).to_have_count(0)


async def open_lesson_read_only(context: BrowserContext, site: str, email: str, url: str) -> Page:
    page = await context.new_page()
    await open_lesson(page, site, email, url)
    await expect(page.get_by_text("Read only")).to_be_visible()
    return page


async def test_the_editor_and_reviewer_journey_with_the_ai_provider(
    browser: Browser,
    page: Page,
    ai_site: str,
    ai_worker: None,
    fake_openai: FakeOpenAI,
    client: httpx.AsyncClient,
    factory: Factory,
) -> None:
    site = ai_site
    fake_openai.responder = journey_answers
    fake_openai.token_delay = 0.02
    fake_openai.hold()  # the outline streams once the Editor is on the live run view
    editor, reviewer, viewer = (
        await factory.user(Role.EDITOR),
        await factory.user(Role.REVIEWER),
        await factory.user(Role.VIEWER),
    )
    await sign_in(page, site, editor.email)
    course_id = await write_a_brief_and_start(page)
    as_editor = await factory.headers(editor)
    run_id = (await client.get(f"/api/v1/courses/{course_id}/runs", headers=as_editor)).json()[0][
        "id"
    ]
    runs = RunDriver(client, course_id)

    await watch_the_outline_and_approve_it(page, fake_openai)

    # The lessons stream into the live run view in the new order, each to its gate.
    await expect(page.get_by_role("heading", name=f"{TITLE}: workflow run")).to_be_visible()
    streams = page.locator("[data-lesson-stream]")
    await expect(streams).to_have_count(2, timeout=15_000)
    lesson_list = page.get_by_role("region", name="Lessons")
    await expect(lesson_list.get_by_text("Waiting for review", exact=True)).to_have_count(
        2, timeout=15_000
    )
    await expect(lesson_list.get_by_role("listitem").first).to_contain_text("Reading the wind")
    for text in await streams.all_text_contents():
        assert BODY[:60] in text, text  # the whole lesson arrived, batch by batch
    await runs.wait(run_id, as_editor, waiting_at("lesson", count=2))
    await screenshot(page, "live-run")
    await assert_accessible(page)

    # The Editor (the course's owner) rejects one lesson with feedback, from the queue ...
    other = f"lesson 'Fake lesson 1.1' of '{TITLE}'"
    await reject_from_the_queue(page, other)
    await screenshot(page, "review-queue")
    await assert_accessible(page)
    # ... and on the live run view only that one is written again, with the feedback, at
    # once: the other lesson still waits for its reviewer.
    await page.get_by_role("link", name="Courses").click()
    # The dashboard: the course's progress and reviews waiting, kept live by the feed.
    waiting = page.get_by_role("link", name=f"2 waiting for review in {TITLE}")
    await expect(waiting).to_be_visible(timeout=15_000)
    await expect(page.get_by_role("row", name=re.compile(TITLE))).to_contain_text("Lessons")
    await screenshot(page, "courses-dashboard-progress")
    await assert_accessible(page)
    await page.get_by_role("link", name=TITLE, exact=True).click()
    await page.get_by_role("link", name="Live run").click()
    rejected = lesson_list.get_by_role("listitem").nth(1)
    await expect(rejected).to_contain_text("Waiting for review · round 2", timeout=15_000)
    kept = lesson_list.get_by_role("listitem").first
    await expect(kept).to_contain_text("Waiting for review")
    await expect(kept).not_to_contain_text("round")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", count=2))
    lesson_prompts = [r.prompt for r in fake_openai.requests if "Lesson to write:" in r.prompt]
    assert len(lesson_prompts) == 3  # two lessons, then the rejected one again
    assert FEEDBACK in lesson_prompts[-1]
    assert "Fake lesson 1.1" in lesson_prompts[-1]
    assert state["lessons"]["m1-l1"]["rounds"] == 2
    assert state["lessons"]["m1-l2"]["rounds"] == 1

    # A Reviewer has the other lesson open while the Editor edits it in the editor.
    kept_link = lesson_list.get_by_role("link", name="Reading the wind")
    lesson_url = str(await kept_link.get_attribute("href"))
    reviewer_context = await browser.new_context()
    try:
        reading = await open_lesson_read_only(reviewer_context, site, reviewer.email, lesson_url)
        await kept_link.click()
        text = page.get_by_role("textbox", name="Lesson text")
        await expect(text).to_contain_text("Hold the standing part")
        await expect(page.get_by_test_id("presence")).to_contain_text("(viewing this lesson)")
        await text.click()
        await page.keyboard.press("Control+End")
        await page.keyboard.type(" Check it twice.")
        await expect(
            page.get_by_text(re.compile(r"All changes saved \(version \d+\)"))
        ).to_be_visible()
        await expect(reading.get_by_role("textbox", name="Lesson text")).to_contain_text(
            "Check it twice."
        )
        await screenshot(reading, "lesson-read-only")
        # ... and approves it from the queue once read.
        await reading.get_by_role("link", name="Reviews").click()
        approve = reading.get_by_role(
            "button", name=f"Approve lesson 'Reading the wind' of '{TITLE}'"
        )
        await approve.click()
        await expect(approve).to_have_count(0)
    finally:
        await reviewer_context.close()
    await expect(page.get_by_text("The lesson “Reading the wind” was approved.")).to_be_visible()
    saved = await client.get(
        f"/api/v1/courses/{course_id}/lessons/{lesson_url.rsplit('/', 1)[1]}", headers=as_editor
    )
    assert "Check it twice." in saved.json()["content"]

    # The AI chat beside the editor proposes an edit; the Editor accepts it from its diff.
    await page.get_by_label("Message").fill("Please add a summary")
    await page.get_by_role("button", name="Send").click()
    proposal = page.get_by_label("Proposed edit of the lesson")
    await expect(proposal).to_contain_text(f"added: {SUMMARY}", timeout=15_000)
    await expect(page.get_by_role("log", name="Conversation")).to_contain_text(
        "I added a summary at the end."
    )
    await screenshot(page, "lesson-editor")
    await assert_accessible(page)
    await page.get_by_role("button", name="Accept the edit").click()
    await expect(page.get_by_role("textbox", name="Lesson text")).to_contain_text(SUMMARY)
    await expect(proposal).to_have_count(0)

    await assert_viewer_cannot_edit(browser, site, viewer.email, lesson_url)

    # The course overview, then a SCORM 2004 export (a draft: not finally approved).
    await page.goto(f"{site}/courses/{course_id}")
    await expect(page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    await screenshot(page, "course-overview")
    await assert_accessible(page)
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
    assert not any(r.model == "offline" for r in fake_openai.requests)
