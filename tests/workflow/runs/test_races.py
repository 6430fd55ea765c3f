"""What the reviewer found: cancels that must win over a failing step, forks of a busy run,
concurrent starts, crashes that must stop a run with a reason, and input that must be 422."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.core.permissions import Role
from app.workflow import engine, repository
from app.workflow.providers.offline import OfflineWriter
from tests.factories import Factory
from tests.fakes.openai_server import FakeOpenAI, Fault
from tests.workers import running_worker
from tests.workflow.runs.helpers import RunDriver, brief_json, pending, waiting_at


async def _people(factory: Factory, client: httpx.AsyncClient) -> tuple[RunDriver, Any, Any]:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    runs = RunDriver(client, str(course.id))
    return runs, await factory.headers(editor), await factory.headers(reviewer)


async def test_a_cancel_wins_over_the_step_that_fails_after_it(
    client: httpx.AsyncClient, factory: Factory, ai_worker: FakeOpenAI
) -> None:
    runs, as_editor, _ = await _people(factory, client)
    ai_worker.latency = 1.0
    ai_worker.fail_next(Fault.BAD_REQUEST)  # not retried: the step fails once it answers
    run_id = await runs.start(as_editor)
    await runs.wait(run_id, as_editor, lambda s: s["run"]["status"] == "running")
    cancelled = await client.post(f"{runs.base}/{run_id}/cancel", headers=as_editor)
    assert cancelled.status_code == 200
    await asyncio.sleep(1.5)  # the call comes back with its 400
    state = await runs.state(run_id, as_editor)
    assert (state["run"]["status"], state["run"]["error"]) == ("cancelled", None)
    retried = await client.post(f"{runs.base}/{run_id}/retry", headers=as_editor)
    assert retried.status_code == 409


@pytest.mark.usefixtures("offline_worker")
async def test_a_run_in_the_middle_of_a_step_cannot_be_forked(
    client: httpx.AsyncClient, factory: Factory, app: Any
) -> None:
    runs, as_editor, _ = await _people(factory, client)
    run_id = await runs.start(as_editor)
    await runs.wait(run_id, as_editor, waiting_at("outline"))
    history = (await client.get(f"{runs.base}/{run_id}/checkpoints", headers=as_editor)).json()
    # A worker holding the run's lock is a worker in the middle of one of its steps.
    async with repository.run_lock(app.state.engine, uuid.UUID(run_id), 0) as held:
        assert held
        forked = await client.post(
            f"{runs.base}/{run_id}/fork",
            json={"checkpoint_id": history[-1]["checkpoint_id"]},
            headers=as_editor,
        )
    assert forked.status_code == 409
    assert forked.json()["error"] == "run_busy"
    assert forked.headers["Retry-After"] == "5"
    assert (await runs.state(run_id, as_editor))["run"]["status"] == "waiting"


async def test_concurrent_starts_give_one_run_and_conflicts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, _ = await _people(factory, client)
    answers = await asyncio.gather(
        *(client.post(runs.base, json={"brief": brief_json()}, headers=as_editor) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [202, 409, 409, 409]


class _BrokenWriter(OfflineWriter):
    async def quiz(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the writer")


async def test_a_crashing_step_stops_the_run_with_a_reason(
    client: httpx.AsyncClient,
    factory: Factory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "writer_for", lambda _: _BrokenWriter())
    runs, as_editor, as_reviewer = await _people(factory, client)
    async with running_worker(settings):
        run_id = await runs.start(as_editor, modules=1, lessons_per_module=1)
        state = await runs.wait(run_id, as_editor, waiting_at("outline"))
        await runs.decide(run_id, pending(state)[0]["id"], as_reviewer, decision="approve")
        state = await runs.wait(run_id, as_editor, waiting_at("lesson"))
        await runs.decide(run_id, pending(state)[0]["id"], as_reviewer, decision="approve")
        state = await runs.wait(run_id, as_editor, lambda s: s["run"]["status"] == "failed")
    assert "internal error in the quizzes step (RuntimeError)" in state["run"]["error"]


@pytest.mark.usefixtures("offline_worker")
async def test_final_rejection_drafts_each_named_lesson_once(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, as_reviewer = await _people(factory, client)
    run_id = await runs.start(as_editor, modules=1, lessons_per_module=2)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state)[0]["id"], as_reviewer, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 2))
    for gate in pending(state):
        await runs.decide(run_id, gate["id"], as_reviewer, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("final"))
    rejected = await runs.decide(
        run_id,
        pending(state)[0]["id"],
        as_reviewer,
        decision="reject",
        feedback="Lesson one needs an exercise",
        lesson_keys=["m1-l1", "m1-l1", "m1-l1"],
    )
    assert rejected.status_code == 201, rejected.text
    state = await runs.wait(run_id, as_editor, waiting_at("lesson"))
    assert [g["lesson_key"] for g in pending(state)] == ["m1-l1"]
    unknown = await runs.decide(
        run_id, pending(state)[0]["id"], as_reviewer, decision="reject", feedback="x"
    )
    assert unknown.status_code == 201


@pytest.mark.usefixtures("offline_worker")
@pytest.mark.parametrize(
    "body",
    [
        {"decision": "reject", "feedback": "no\x00pe"},
        {"decision": "reject", "feedback": "x" * 10_001},
    ],
)
async def test_decisions_with_unstorable_text_are_422(
    client: httpx.AsyncClient, factory: Factory, body: dict[str, Any]
) -> None:
    runs, as_editor, as_reviewer = await _people(factory, client)
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    response = await runs.decide(run_id, pending(state)[0]["id"], as_reviewer, **body)
    assert response.status_code == 422, response.text


@pytest.mark.usefixtures("offline_worker")
async def test_an_outline_edit_citing_missing_objectives_is_422(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, as_reviewer = await _people(factory, client)
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    outline = state["outline"]
    outline["modules"][0]["lessons"][0]["covers"] = [99]
    response = await runs.decide(
        run_id, pending(state)[0]["id"], as_reviewer, decision="edit", outline=outline
    )
    assert response.status_code == 422
    assert "99" in response.json()["detail"]


async def test_a_brief_with_a_nul_is_422(client: httpx.AsyncClient, factory: Factory) -> None:
    runs, as_editor, _ = await _people(factory, client)
    brief = brief_json()
    brief["objectives"][0] = "Commit\x00"
    response = await client.post(runs.base, json={"brief": brief}, headers=as_editor)
    assert response.status_code == 422
