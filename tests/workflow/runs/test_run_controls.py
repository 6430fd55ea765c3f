"""Cancel, fork from a checkpoint, the reviewers' queue, and the errors a client can cause."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.core.permissions import Role
from tests.factories import Factory
from tests.workflow.runs.helpers import RunDriver, brief_json, pending, waiting_at

pytestmark = pytest.mark.usefixtures("offline_worker")


async def _course(factory: Factory, client: httpx.AsyncClient) -> tuple[RunDriver, dict, dict]:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    return (
        RunDriver(client, str(course.id)),
        await factory.headers(editor),
        await factory.headers(reviewer),
    )


async def test_cancel_ends_the_run_and_closes_its_gates(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, as_reviewer = await _course(factory, client)
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    gate = pending(state, "outline")[0]

    cancelled = await client.post(f"{runs.base}/{run_id}/cancel", headers=as_editor)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    state = await runs.state(run_id, as_editor)
    assert [g["status"] for g in state["gates"]] == ["closed"]
    late = await runs.decide(run_id, gate["id"], as_reviewer, decision="approve")
    assert late.status_code == 409
    again = await client.post(f"{runs.base}/{run_id}/cancel", headers=as_editor)
    assert again.status_code == 409
    # The course is free for a new run.
    assert await runs.start(as_editor)


async def test_a_second_run_while_one_is_active_is_a_conflict(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, _ = await _course(factory, client)
    await runs.start(as_editor)
    second = await client.post(runs.base, json={"brief": brief_json()}, headers=as_editor)
    assert second.status_code == 409
    assert second.json()["error"] == "run_active"


async def test_fork_back_to_the_outline_gate_keeps_the_old_history(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, as_reviewer = await _course(factory, client)
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state, "outline")[0]["id"], as_reviewer, decision="approve")
    await runs.wait(run_id, as_editor, waiting_at("lesson", 4))

    listed = await client.get(f"{runs.base}/{run_id}/checkpoints", headers=as_editor)
    assert listed.status_code == 200
    history = listed.json()
    at_outline = [c for c in history if [w["kind"] for w in c["waiting_at"]] == ["outline"]]
    assert at_outline, history
    forked = await client.post(
        f"{runs.base}/{run_id}/fork",
        json={"checkpoint_id": at_outline[0]["checkpoint_id"]},
        headers=as_editor,
    )
    assert forked.status_code == 202, forked.text
    branch = forked.json()
    assert branch["parent_run_id"] == run_id
    state = await runs.wait(branch["id"], as_editor, waiting_at("outline"))
    assert len(state["gates"]) == 1  # the branch's own gate, back at the outline

    old = await runs.state(run_id, as_editor)
    assert old["run"]["status"] == "cancelled"
    old_history = await client.get(f"{runs.base}/{run_id}/checkpoints", headers=as_editor)
    assert [c["checkpoint_id"] for c in old_history.json()] == [c["checkpoint_id"] for c in history]
    unknown = await client.post(
        f"{runs.base}/{branch['id']}/fork", json={"checkpoint_id": "nope"}, headers=as_editor
    )
    assert unknown.status_code == 404


async def test_the_reviewers_queue_lists_pending_gates_of_readable_courses(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, as_reviewer = await _course(factory, client)
    run_id = await runs.start(as_editor)
    await runs.wait(run_id, as_editor, waiting_at("outline"))
    queue = await client.get("/api/v1/reviews/pending", headers=as_reviewer)
    assert queue.status_code == 200
    assert [g["kind"] for g in queue.json()["items"]] == ["outline"]
    lessons_only = await client.get("/api/v1/reviews/pending?kind=lesson", headers=as_reviewer)
    assert lessons_only.json()["total"] == 0
    outsider = await factory.headers(await factory.user(None))
    assert (await client.get("/api/v1/reviews/pending", headers=outsider)).json()["total"] == 0


async def test_unknown_runs_and_gates_are_404(client: httpx.AsyncClient, factory: Factory) -> None:
    runs, as_editor, as_reviewer = await _course(factory, client)
    run_id = await runs.start(as_editor)
    unknown = str(uuid.uuid4())
    assert (await client.get(f"{runs.base}/{unknown}", headers=as_editor)).status_code == 404
    gate = await runs.decide(run_id, unknown, as_reviewer, decision="approve")
    assert gate.status_code == 404
    assert gate.json()["error"] == "gate_not_found"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"decision": "reject"}, 422),  # no feedback
        ({"decision": "reject", "feedback": "   "}, 422),
        ({"decision": "edit"}, 422),  # no edited outline
        ({"decision": "approve", "lesson_keys": ["m1-l1"]}, 422),
        ({"decision": "maybe"}, 422),
        ({"decision": "approve", "decided_by": str(uuid.uuid4())}, 422),
        ({"decision": "approve", "surprise": 1}, 422),
    ],
)
async def test_decisions_that_do_not_fit_the_gate_are_refused(
    client: httpx.AsyncClient, factory: Factory, body: dict, status: int
) -> None:
    runs, as_editor, as_reviewer = await _course(factory, client)
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    gate = pending(state, "outline")[0]
    response = await runs.decide(run_id, gate["id"], as_reviewer, **body)
    assert response.status_code == status, response.text
    assert set(response.json()) >= {"error", "detail"}
    state = await runs.state(run_id, as_editor)
    assert pending(state, "outline")[0]["id"] == gate["id"]  # nothing changed


async def test_an_oversized_source_is_413_with_the_limit(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, _ = await _course(factory, client)
    big = brief_json(source_material="x" * 600_000)
    response = await client.post(runs.base, json={"brief": big}, headers=as_editor)
    assert response.status_code == 413
    assert "500000" in response.json()["detail"]
    estimate = await client.post(f"{runs.base}/estimate", json={"brief": big}, headers=as_editor)
    assert estimate.status_code == 413


async def test_the_estimate_comes_before_the_run(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    runs, as_editor, _ = await _course(factory, client)
    response = await client.post(
        f"{runs.base}/estimate", json={"brief": brief_json()}, headers=as_editor
    )
    assert response.status_code == 200, response.text
    assert response.json()["offline"] is True  # no API key in the test settings
