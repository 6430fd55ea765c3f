"""/metrics after a real workflow run (the `openai` client against the fake server, an
in-process worker sharing the app's registry) and an export: every workflow, review, AI,
job and export metric is there, with values the run explains."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from app.core.db import utcnow
from app.core.permissions import Role
from app.workflow.models import GateKind, ReviewGate, RunStatus, WorkflowRun
from tests.factories import Factory
from tests.fakes.openai_server import FakeOpenAI, Fault
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    found: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return _value(after, name, **labels) - _value(before, name, **labels)


async def test_a_run_and_an_export_show_in_the_metrics(
    client: httpx.AsyncClient, factory: Factory, ai_worker: FakeOpenAI
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    as_editor = await factory.headers(editor)
    runs = RunDriver(client, str(course.id))
    before = await _scrape(client)
    ai_worker.fail_next(Fault.SERVER_ERROR)  # the outline's first call: retried once

    run_id = await runs.start(as_editor, modules=1, lessons_per_module=2)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state, "outline")[0]["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 2))
    first, second = pending(state, "lesson")
    await runs.decide(run_id, first["id"], as_editor, decision="reject", feedback="Shorter")
    await runs.decide(run_id, second["id"], as_editor, decision="approve")
    state = await runs.wait(
        run_id, as_editor, lambda s: any(g["round"] == 2 for g in pending(s, "lesson"))
    )
    await runs.decide(run_id, pending(state, "lesson")[0]["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("final"))
    await runs.decide(run_id, pending(state, "final")[0]["id"], as_editor, decision="approve")
    await runs.wait(run_id, as_editor, lambda s: s["run"]["status"] == "succeeded")
    base = f"/api/v1/courses/{course.id}/exports"
    exported = await client.post(base, json={"format": "markdown"}, headers=as_editor)
    assert exported.status_code == 202, exported.text
    deadline = time.monotonic() + 30
    while not any(
        e["id"] == exported.json()["id"] and e["status"] == "succeeded"
        for e in (await client.get(base, headers=as_editor)).json()
    ):
        assert time.monotonic() < deadline, "the export did not finish"
        await asyncio.sleep(0.05)
    # A job is counted when its function returns, a moment after it marked its work done.
    after = await _scrape(client)
    while _delta(before, after, "courzly_jobs_total", job="export.build", outcome="succeeded") < 1:
        assert time.monotonic() < deadline, "the export job was never counted"
        await asyncio.sleep(0.05)
        after = await _scrape(client)

    runs_total = "courzly_workflow_runs_total"
    for status in ("queued", "running", "waiting", "succeeded"):
        assert _delta(before, after, runs_total, status=status) >= 1, status
    decisions = "courzly_review_decisions_total"
    assert _delta(before, after, decisions, kind="lesson", decision="approve") == 2
    assert _delta(before, after, decisions, kind="lesson", decision="reject") == 1
    assert _delta(before, after, decisions, kind="outline", decision="approve") == 1
    waits = "courzly_review_gate_wait_seconds_count"
    assert _delta(before, after, waits, kind="lesson") == 3
    model = "gpt-4o-mini"
    # Jobs and AI calls are at least this run's: the job queue is shared with other tests,
    # whose leftover jobs a worker here may run too. Decisions are this test's alone.
    for phase, calls in (("outline", 2), ("lesson", 3), ("quiz", 1)):  # the outline's retry
        count = "courzly_ai_call_duration_seconds_count"
        assert _delta(before, after, count, model=model, phase=phase) >= calls, phase
        tokens = "courzly_ai_tokens_total"
        assert _delta(before, after, tokens, model=model, phase=phase, kind="completion") > 0
        assert _delta(before, after, "courzly_ai_cost_usd_total", model=model, phase=phase) > 0
    assert _delta(before, after, "courzly_ai_retries_total", phase="outline") >= 1
    jobs = "courzly_jobs_total"
    assert _delta(before, after, jobs, job="workflow.advance", outcome="succeeded") >= 4
    assert _delta(before, after, "courzly_job_wait_seconds_count", job="export.build") >= 1
    exports = "courzly_export_duration_seconds_count"
    assert _delta(before, after, exports, format="markdown", outcome="succeeded") >= 1


async def test_installation_gauges_show_stalled_runs_and_waiting_gates(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    two_hours_ago = utcnow() - timedelta(hours=2)
    async with factory.sessions() as session:
        stalled = WorkflowRun(
            course_id=course.id,
            status=RunStatus.RUNNING,
            phase="stalled-phase",
            thread_id="t-stalled",
            updated_at=two_hours_ago,
        )
        session.add(stalled)
        await session.flush()
        session.add(
            ReviewGate(
                run_id=stalled.id,
                course_id=course.id,
                interrupt_id="i-1",
                kind=GateKind.FINAL,
                created_at=two_hours_ago,
            )
        )
        await session.commit()

    samples = await _scrape(client)
    assert _value(samples, "courzly_state_sample_failed") == 0
    labels = {"status": "running", "phase": "stalled-phase"}
    assert _value(samples, "courzly_workflow_runs_active", **labels) == 1
    assert _value(samples, "courzly_workflow_run_idle_seconds_max", **labels) >= 7200
    assert _value(samples, "courzly_review_gates_pending", kind="final") >= 1
    assert _value(samples, "courzly_review_gate_oldest_pending_seconds", kind="final") >= 7200
    assert ("courzly_job_queue_depth", frozenset()) in samples

    async with factory.sessions() as session:
        await session.execute(
            update(WorkflowRun).where(WorkflowRun.id == stalled.id).values(status=RunStatus.FAILED)
        )
        await session.commit()
    samples = await _scrape(client)
    # A phase with no active run left drops out instead of keeping its last value.
    assert ("courzly_workflow_runs_active", frozenset(labels.items())) not in samples
