"""A run driven by the real `openai` client against the fake server: streaming lesson text
as events, the token ledger and cost, and a failing step that is retried from its checkpoint."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from app.core.permissions import Role
from app.lessons import repository as lessons
from app.realtime.models import WorkflowEvent
from app.workflow.models import AIUsage
from tests.factories import Factory
from tests.fakes.openai_server import FakeOpenAI, Fault
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at


async def _approve_all(
    runs: RunDriver, run_id: str, state: dict[str, Any], headers: dict[str, str]
) -> None:
    for gate in pending(state):
        response = await runs.decide(run_id, gate["id"], headers, decision="approve")
        assert response.status_code == 201, response.text


async def test_an_ai_run_streams_lessons_and_keeps_a_token_ledger(
    client: httpx.AsyncClient, factory: Factory, ai_worker: FakeOpenAI
) -> None:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))

    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await _approve_all(runs, run_id, state, as_reviewer)
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 4))
    await _approve_all(runs, run_id, state, as_reviewer)
    state = await runs.wait(run_id, as_editor, waiting_at("final"))
    assert state["alignment"]["objectives"], "the final gate shows the alignment matrix"
    await _approve_all(runs, run_id, state, as_reviewer)
    state = await runs.wait(run_id, as_editor, lambda s: s["run"]["status"] == "succeeded")

    async with factory.sessions() as session:
        ledger = list(await session.scalars(select(AIUsage).where(AIUsage.run_id == run_id)))
        events = list(
            await session.scalars(
                select(WorkflowEvent)
                .where(WorkflowEvent.course_id == course.id)
                .order_by(WorkflowEvent.seq)
            )
        )
    phases = sorted({row.phase for row in ledger})
    assert phases == ["lesson", "outline", "quiz"]
    assert all(row.prompt_tokens > 0 and row.completion_tokens > 0 for row in ledger)
    assert {row.lesson_key for row in ledger if row.phase == "lesson"} == {
        "m1-l1",
        "m1-l2",
        "m2-l1",
        "m2-l2",
    }
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    streamed = [e.payload for e in events if e.type == "lesson.tokens"]
    assert streamed
    assert all(p["text"] for p in streamed)
    # The streamed chunks of a lesson add up to the text that was saved.
    first = str(streamed[0]["lesson_key"])
    text = "".join(str(p["text"]) for p in streamed if p["lesson_key"] == first)
    async with factory.sessions() as session:
        saved = await lessons.lesson_by_key(session, course.id, first)
    assert saved is not None
    assert text == saved.content
    costs = [e.payload for e in events if e.type == "run.cost"]
    assert costs
    assert costs[-1]["run_cost_usd"] == state["run"]["cost_usd"]
    by_phase = {row["phase"]: row for row in state["usage"]}
    assert by_phase["lesson"]["calls"] == 4
    assert sum(request.stream for request in ai_worker.requests) == 5  # outline and lessons
    # The outline streamed too: its chunks add up to the JSON the model answered.
    outline_chunks = [e.payload for e in events if e.type == "outline.tokens"]
    assert {(p["round"], p["attempt"]) for p in outline_chunks} == {(1, 1)}
    assert [p["chunk"] for p in outline_chunks] == list(range(1, len(outline_chunks) + 1))
    streamed_outline = json.loads("".join(str(p["text"]) for p in outline_chunks))
    assert len(streamed_outline["modules"]) == len(state["outline"]["modules"])


async def test_a_step_that_fails_stops_the_run_with_its_reason_and_retry_resumes_it(
    client: httpx.AsyncClient, factory: Factory, ai_worker: FakeOpenAI
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    as_editor = await factory.headers(editor)
    runs = RunDriver(client, str(course.id))
    ai_worker.fail_next(Fault.MALFORMED_JSON, times=2)  # the answer and its repair

    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, lambda s: s["run"]["status"] == "failed")
    assert "outline" in state["run"]["error"]
    assert "json" in state["run"]["error"].lower()
    async with factory.sessions() as session:
        paid = list(await session.scalars(select(AIUsage).where(AIUsage.run_id == run_id)))
    assert [row.phase for row in paid] == ["outline", "outline"]  # the answer and its repair

    retried = await client.post(f"{runs.base}/{run_id}/retry", headers=as_editor)
    assert retried.status_code == 202, retried.text
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    assert state["run"]["error"] is None
    again = await client.post(f"{runs.base}/{run_id}/retry", headers=as_editor)
    assert again.status_code == 409
