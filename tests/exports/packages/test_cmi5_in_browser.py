"""cmi5 AUs in headless Chromium against a stand-in LMS/LRS on 127.0.0.1: the launch
handshake, the cmi5 defined statements, and the return to the LMS."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page

from app.exports.packages import build_cmi5
from tests.exports.packages import lrs
from tests.exports.packages.sample import COURSE_ID, sample_document

ACTOR = {"objectType": "Agent", "name": "Ada", "account": {"homePage": "urn:lms", "name": "ada"}}
CMI5_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
MOVE_ON_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"


@pytest.fixture
def records() -> lrs.Records:
    return lrs.Records()


@pytest.fixture
def site(tmp_path: Path, records: lrs.Records) -> Iterator[str]:
    for path, data in build_cmi5(sample_document()).items():
        target = tmp_path / "cmi5" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (tmp_path / "returned.html").write_text(
        '<!DOCTYPE html><link rel="icon" href="data:,"><title>Back in the LMS</title>'
    )
    with lrs.serve(tmp_path, records) as base:
        yield base


async def launch_au(
    browser: Browser, site: str, records: lrs.Records, key: str, mastery: float | None = None
) -> tuple[Page, list[str], str]:
    registration = str(uuid.uuid4())
    activity = f"urn:courzly:course:{COURSE_ID}:au:{key}"
    records.launch_data = {
        "contextTemplate": {"extensions": {lrs.SESSION_ID: "session-1"}},
        "launchMode": "Normal",
        "returnURL": f"{site}/returned.html",
        **({"masteryScore": mastery} if mastery is not None else {}),
    }
    query = urlencode(
        {
            "endpoint": f"{site}/xapi/",
            "fetch": f"{site}/fetch",
            "actor": json.dumps(ACTOR),
            "registration": registration,
            "activityId": activity,
        }
    )
    page = await browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if _is_problem(m) else None)
    await page.goto(f"{site}/cmi5/{key}.html?{query}")
    # Bounded: a launch that never settles fails here instead of hanging the run.
    try:
        await asyncio.wait_for(page.evaluate("window.CourzlyTracker.done()"), 15)
    except TimeoutError:
        errors = await page.evaluate("window.CourzlyTracker.errors")
        raise AssertionError(f"launch did not settle: {records.verbs()} {errors}") from None
    assert records.verbs() == ["initialized"]
    return page, problems, registration


def _is_problem(message: ConsoleMessage) -> bool:
    # Chromium logs every failed request (a 404 included) as a console error.
    return message.type == "error"


async def wait_for_verb(records: lrs.Records, verb: str) -> None:
    for _ in range(100):
        if verb in records.verbs():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {verb} statement; got {records.verbs()}")


def assert_cmi5_statements(records: lrs.Records, registration: str, key: str) -> None:
    activity = f"urn:courzly:course:{COURSE_ID}:au:{key}"
    for statement in records.statements:
        assert statement["actor"] == ACTOR
        assert statement["object"]["id"] == activity
        context = statement["context"]
        assert context["registration"] == registration
        assert context["extensions"][lrs.SESSION_ID] == "session-1"
        assert CMI5_CATEGORY in context["contextActivities"]["category"]
        assert "duration" in statement.get("result", {}) or statement["verb"]["id"].endswith(
            "initialized"
        )
    for headers in records.headers:
        assert headers["X-Experience-API-Version"] == "1.0.3"
    assert records.fetches == 1


async def test_a_lesson_au_sends_initialized_completed_terminated(
    browser: Browser, site: str, records: lrs.Records
) -> None:
    page, problems, registration = await launch_au(browser, site, records, "m1-l1")
    try:
        await page.click("#courzly-finish")
        await wait_for_verb(records, "terminated")
        await page.wait_for_url(f"{site}/returned.html")

        assert records.verbs() == ["initialized", "completed", "terminated"]
        assert_cmi5_statements(records, registration, "m1-l1")
        completed = records.statements[1]
        assert completed["result"]["completion"] is True
        assert MOVE_ON_CATEGORY in completed["context"]["contextActivities"]["category"]
        assert records.states["courzly.progress"] == {"completed": True}
        assert problems == []
    finally:
        await page.close()


async def test_a_quiz_au_sends_failed_then_passed_after_a_retry(
    browser: Browser, site: str, records: lrs.Records
) -> None:
    page, problems, registration = await launch_au(browser, site, records, "m2-quiz", 0.8)
    try:
        await page.check('input[name="q0"][value="0"]')
        await page.check('input[name="q1"][value="2"]')  # wrong: 1 of 2, under 0.8
        await page.click('button[type="submit"]')
        await wait_for_verb(records, "failed")
        await page.click("#courzly-retry")  # the session stays open for another try
        await page.check('input[name="q0"][value="0"]')
        await page.check('input[name="q1"][value="1"]')
        await page.click('button[type="submit"]')
        await wait_for_verb(records, "terminated")
        # Back to the LMS; closing the page while that navigation runs can hang Chromium.
        await page.wait_for_url(f"{site}/returned.html")

        assert records.verbs() == ["initialized", "failed", "passed", "terminated"]
        assert_cmi5_statements(records, registration, "m2-quiz")
        failed, passed = records.statements[1], records.statements[2]
        assert failed["result"]["success"] is False
        assert failed["result"]["score"] == {"scaled": 0.5, "raw": 1, "min": 0, "max": 2}
        assert passed["result"]["success"] is True
        assert passed["result"]["score"] == {"scaled": 1, "raw": 2, "min": 0, "max": 2}
        for judged in (failed, passed):
            assert judged["context"]["extensions"][MASTERY] == 0.8
            assert MOVE_ON_CATEGORY in judged["context"]["contextActivities"]["category"]
        assert records.states["courzly.progress"] == {"passed": True}
        assert problems == []
    finally:
        await page.close()


async def test_a_quiz_au_left_after_failing_terminates_without_passing(
    browser: Browser, site: str, records: lrs.Records
) -> None:
    page, problems, _ = await launch_au(browser, site, records, "m2-quiz", 0.8)
    try:
        await page.check('input[name="q0"][value="1"]')
        await page.check('input[name="q1"][value="2"]')
        await page.click('button[type="submit"]')
        await wait_for_verb(records, "failed")
        await page.goto(f"{site}/returned.html")  # the learner leaves: pagehide ends the AU
        await wait_for_verb(records, "terminated")

        assert records.verbs() == ["initialized", "failed", "terminated"]
        assert records.statements[1]["result"]["score"]["raw"] == 0
        assert "courzly.progress" not in records.states
        assert problems == []
    finally:
        await page.close()


async def test_a_completed_lesson_is_not_completed_twice(
    browser: Browser, site: str, records: lrs.Records
) -> None:
    records.states["courzly.progress"] = {"completed": True}
    page, problems, _ = await launch_au(browser, site, records, "m2-l2")
    try:
        await page.click("#courzly-finish")
        await wait_for_verb(records, "terminated")
        await page.wait_for_url(f"{site}/returned.html")

        assert records.verbs() == ["initialized", "terminated"]
        assert problems == []
    finally:
        await page.close()
