"""Exported SCOs run in headless Chromium under scorm-again, a third-party SCORM run-time:
the LMS API in a host page, the SCO in an iframe, everything on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Frame, Page

from app.exports.packages import build_scorm12, build_scorm2004
from tests.exports.packages import lms
from tests.exports.packages.sample import sample_document

API = {
    "12": {
        "init": "LMSInitialize",
        "set": "LMSSetValue",
        "commit": "LMSCommit",
        "end": "LMSFinish",
    },
    "2004": {"init": "Initialize", "set": "SetValue", "commit": "Commit", "end": "Terminate"},
}
PACKAGE = {"12": "scorm12", "2004": "scorm2004"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("lms")
    document = sample_document()
    lms.write_site(
        root, {"scorm12": build_scorm12(document), "scorm2004": build_scorm2004(document)}
    )
    with lms.serve(root) as base:
        yield base


class Session:
    """One SCO launched in the host page, with every console error and page error kept."""

    def __init__(self, page: Page, api: str) -> None:
        self.page = page
        self.api = api
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )

    @property
    def sco(self) -> Frame:
        frame = self.page.frame(name="sco")
        assert frame is not None
        return frame

    async def calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = await self.page.evaluate("window.lmsCalls")
        return calls

    async def cmi(self, element: str) -> str:
        holder = "API_1484_11" if self.api == "2004" else "API"
        return str(await self.page.evaluate(f"String(window.{holder}.{element})"))

    async def ended(self) -> list[dict[str, Any]]:
        end = API[self.api]["end"]
        await self.page.wait_for_function(f"window.lmsCalls.some(c => c.method === '{end}')")
        return await self.calls()


@pytest.fixture
async def launch(browser: Browser, site: str) -> AsyncIterator[Any]:
    pages: list[Page] = []

    async def open_sco(api: str, sco: str, mastery: str | None = None) -> Session:
        page = await browser.new_page()
        pages.append(page)
        session = Session(page, api)
        query = f"api={api}&sco=/{PACKAGE[api]}/{sco}" + (f"&mastery={mastery}" if mastery else "")
        await page.goto(f"{site}/host.html?{query}")
        await session.sco.wait_for_function("window.CourzlyTracker.connected()")
        return session

    yield open_sco
    for page in pages:
        await page.close()


def assert_clean_session(api: str, calls: list[dict[str, Any]], problems: list[str]) -> None:
    names = API[api]
    methods = [call["method"] for call in calls]
    assert methods[0] == names["init"]
    assert methods[-2:] == [names["commit"], names["end"]]
    assert methods.count(names["end"]) == 1
    for call in calls:
        if call["method"] != names["set"].replace("Set", "Get"):
            assert (call["result"], call["error"]) == ("true", "0"), call
    assert problems == []


def set_values(api: str, calls: list[dict[str, Any]]) -> dict[str, str]:
    return {c["args"][0]: c["args"][1] for c in calls if c["method"] == API[api]["set"]}


@pytest.mark.parametrize("api", ["12", "2004"])
@pytest.mark.parametrize("lesson", ["m1-l1", "m1-l2", "m2-l1", "m2-l2"])  # every lesson SCO
async def test_a_lesson_sco_initializes_completes_commits_and_finishes(
    api: str, lesson: str, launch: Any
) -> None:
    session: Session = await launch(api, f"{lesson}.html")
    status = "cmi.core.lesson_status" if api == "12" else "cmi.completion_status"
    assert await session.cmi(status) == "incomplete"

    await session.sco.click("#courzly-finish")
    calls = await session.ended()

    assert_clean_session(api, calls, session.problems)
    assert set_values(api, calls)[status] == "completed"
    assert await session.cmi(status) == "completed"
    assert await session.sco.evaluate("window.CourzlyTracker.errors") == []
    if lesson == "m1-l1":  # the lesson that shows the course image
        assert await session.sco.is_visible("img[alt=Diagram]")


QUIZ_CASES = [
    # Passing ones: (answers to m1's two items (right: 0 then 1), LMS mastery, percent)
    ((0, 1), None, "100"),
    ((0, 0), "lms-half", "50"),  # the LMS's own passing score wins over the default
]


@pytest.mark.parametrize("api", ["12", "2004"])
@pytest.mark.parametrize(("answers", "mastery", "percent"), QUIZ_CASES)
@pytest.mark.parametrize("quiz", ["m1-quiz", "m2-quiz"])  # every quiz SCO (same answer keys)
async def test_a_passed_quiz_sco_reports_its_score_and_finishes(
    api: str, answers: tuple[int, int], mastery: str | None, percent: str, quiz: str, launch: Any
) -> None:
    lms_mastery = {"12": "50", "2004": "0.5"}[api] if mastery else None
    session: Session = await launch(api, f"{quiz}.html", lms_mastery)

    for number, choice in enumerate(answers):
        await session.sco.check(f'input[name="q{number}"][value="{choice}"]')
    await session.sco.click('button[type="submit"]')
    calls = await session.ended()

    assert_clean_session(api, calls, session.problems)
    values = set_values(api, calls)
    if api == "12":
        assert values["cmi.core.score.raw"] == percent
        assert (values["cmi.core.score.min"], values["cmi.core.score.max"]) == ("0", "100")
        assert await session.cmi("cmi.core.lesson_status") == "passed"
        assert await session.cmi("cmi.core.score.raw") == percent
    else:
        assert values["cmi.score.scaled"] == str(int(percent) / 100).removesuffix(".0")
        assert values["cmi.score.raw"] == percent
        assert await session.cmi("cmi.success_status") == "passed"
        assert await session.cmi("cmi.completion_status") == "completed"
        assert await session.cmi("cmi.score.scaled") == values["cmi.score.scaled"]
    assert await session.sco.is_visible(".courzly-feedback")
    assert f"({percent}%)" in await session.sco.inner_text("#courzly-status")


@pytest.mark.parametrize("api", ["12", "2004"])
async def test_a_failed_quiz_is_reported_and_retaken_in_the_same_session(
    api: str, launch: Any
) -> None:
    session: Session = await launch(api, "m1-quiz.html")
    quiz = session.sco

    await quiz.check('input[name="q0"][value="0"]')
    await quiz.check('input[name="q1"][value="0"]')  # wrong: 50%, under the 80% to pass
    await quiz.click('button[type="submit"]')
    status = "cmi.core.lesson_status" if api == "12" else "cmi.success_status"
    await session.page.wait_for_function(
        f"String(window.{'API' if api == '12' else 'API_1484_11'}.{status}) === 'failed'"
    )

    # Still in the attempt: nothing committed as final, the learner is not moved on.
    assert API[api]["end"] not in [c["method"] for c in await session.calls()]
    assert "not passed yet" in await quiz.inner_text("#courzly-status")
    assert await quiz.is_disabled('input[name="q0"][value="0"]')
    await quiz.click("#courzly-retry")
    assert await quiz.is_enabled('input[name="q1"][value="1"]')
    assert not await quiz.is_checked('input[name="q0"][value="0"]')
    assert await quiz.is_hidden(".courzly-feedback")

    await quiz.check('input[name="q0"][value="0"]')
    await quiz.check('input[name="q1"][value="1"]')
    await quiz.click('button[type="submit"]')
    calls = await session.ended()

    assert_clean_session(api, calls, session.problems)
    assert await session.cmi(status) == "passed"
    raw = "cmi.core.score.raw" if api == "12" else "cmi.score.raw"
    assert await session.cmi(raw) == "100"


async def test_a_sco_opened_without_an_lms_still_works(browser: Browser, site: str) -> None:
    page = await browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        await page.goto(f"{site}/scorm2004/m2-quiz.html")
        await page.check('input[name="q0"][value="0"]')
        await page.check('input[name="q1"][value="1"]')
        await page.click('button[type="submit"]')

        assert "2 of 2 correctly (100%): passed" in await page.inner_text("#courzly-status")
        assert await page.evaluate("window.CourzlyTracker.connected()") is False
        assert problems == []
    finally:
        await page.close()
