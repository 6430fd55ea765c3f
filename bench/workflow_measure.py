"""The two measurements: the parallel content phase of one run (against the same lesson
calls made one by one), and a burst of runs started at once."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.config import Settings
from app.workflow.providers import close_writer, writer_for
from app.workflow.schemas import Brief, Outline
from bench.serving import BenchError
from bench.workflow_client import Api, poll
from tests.fakes.openai_server import FakeOpenAI

MAX_REPORTED_ERRORS = 5


@dataclass(frozen=True)
class ContentPhase:
    lessons: int
    latency_seconds: float  # the fake's, per call
    outline_gate_seconds: float  # run started -> outline gate pending (context)
    parallel_seconds: float  # outline approved -> every lesson gate pending
    sequential_seconds: float  # the same lesson calls, one by one, in the bench
    lesson_calls: int  # lesson calls the worker made (the fake's log): one per lesson
    speedup: float
    # Where the parallel time went, from the course's event log (server clocks): decision
    # stored -> first lesson started -> last lesson ready -> last lesson gate opened.
    timeline_seconds: dict[str, float]


@dataclass(frozen=True)
class Burst:
    runs: int
    latency_seconds: float
    seconds: float | None  # first start sent -> every run at its outline gate; None: not all
    reached: int  # runs waiting at their outline gate at the end
    failed_runs: int
    http_errors: int  # answers that were not 2xx
    gate_p50_seconds: float | None  # per run: started_at -> gate created (server clocks)
    gate_max_seconds: float | None
    errors: list[str] = field(default_factory=list)  # the first few, for the report

    @property
    def error_count(self) -> int:
        return self.failed_runs + self.http_errors


def _lesson_calls(fake: FakeOpenAI) -> int:
    return sum(1 for request in fake.requests if request.stream)  # lessons are streamed


async def _ignore(_token: str) -> None:
    return None


def _seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


async def timeline(api: Api, course_id: str) -> dict[str, float]:
    """The content phase in steps: picked up (the job queued, the graph resumed, the outline
    applied), written (every lesson's call, row and events), gated (the graph's checkpoint,
    the gates opened)."""
    events = await api.events(course_id)

    def times(kind: str, gate: str | None = None) -> list[datetime]:
        return sorted(
            datetime.fromisoformat(event["created_at"])
            for event in events
            if event["type"] == kind and (gate is None or event["payload"].get("kind") == gate)
        )

    decided = times("review.decided")[0]
    started, ready = times("lesson.started"), times("lesson.ready")
    gated = times("review.requested", gate="lesson")[-1]
    return {
        "picked_up": round((started[0] - decided).total_seconds(), 3),
        "written": round((ready[-1] - started[0]).total_seconds(), 3),
        "gated": round((gated - ready[-1]).total_seconds(), 3),
    }


async def one_by_one(settings: Settings, brief: Brief, outline: Outline) -> float:
    """The baseline: the writer's lesson calls made one after the other, as the worker's
    writer makes them (same settings, so the same client, model and prompts)."""
    writer = writer_for(settings)
    try:
        start = time.monotonic()
        for lesson in outline.lessons():
            await writer.lesson(brief, outline, lesson, [], _ignore)
        return time.monotonic() - start
    finally:
        await close_writer(writer)


async def content_phase(
    api: Api,
    fake: FakeOpenAI,
    settings: Settings,
    course_id: str,
    brief: dict[str, Any],
    max_wait: float,
) -> ContentPhase:
    """Start a run, approve its outline as soon as the gate is there, and time the lessons:
    from the approval until every lesson gate is pending."""
    started = time.monotonic()
    run_id = (await api.must("POST", f"/courses/{course_id}/runs", {"brief": brief}))["id"]
    gates: list[dict[str, Any]] = []

    async def outline_pending() -> bool:
        gates[:] = await api.pending_gates("outline", course_id)
        return bool(gates)

    async def not_failed() -> None:
        state = await api.must("GET", f"/courses/{course_id}/runs/{run_id}")
        if state["run"]["status"] == "failed":
            raise BenchError(f"the run failed: {state['run']['error']}")

    outline_at = await poll(outline_pending, max_wait, check=not_failed)
    if outline_at is None:
        raise BenchError(f"no outline gate within {max_wait:g}s")
    state = await api.must("GET", f"/courses/{course_id}/runs/{run_id}")
    outline = Outline.model_validate(state["outline"])
    keys = sorted(lesson.key for lesson in outline.lessons())
    calls_before = _lesson_calls(fake)

    await api.approve(course_id, run_id, gates[0]["id"])
    approved = time.monotonic()

    async def lessons_pending() -> bool:
        return await api.pending_total("lesson", course_id) >= len(keys)

    done = await poll(lessons_pending, max_wait, check=not_failed)
    if done is None:
        raise BenchError(f"the lesson gates were not all pending within {max_wait:g}s")
    lesson_calls = _lesson_calls(fake) - calls_before
    state = await api.must("GET", f"/courses/{course_id}/runs/{run_id}")
    pending = [g for g in state["gates"] if g["kind"] == "lesson" and g["status"] == "pending"]
    if state["run"]["status"] != "waiting" or sorted(g["lesson_key"] for g in pending) != keys:
        raise BenchError(f"expected one pending gate per lesson {keys}, got {state['gates']}")

    steps = await timeline(api, course_id)
    sequential = await one_by_one(settings, Brief.model_validate(brief), outline)
    parallel = done - approved
    return ContentPhase(
        lessons=len(keys),
        latency_seconds=fake.latency,
        outline_gate_seconds=round(outline_at - started, 3),
        parallel_seconds=round(parallel, 3),
        sequential_seconds=round(sequential, 3),
        lesson_calls=lesson_calls,
        speedup=round(sequential / parallel, 2),
        timeline_seconds=steps,
    )


async def burst(
    api: Api, fake: FakeOpenAI, course_ids: list[str], brief: dict[str, Any], max_wait: float
) -> Burst:
    """One run on each course, all started at once; time until every run waits at its
    outline gate, the first review."""
    errors_before = len(api.errors)
    started = time.monotonic()
    answers = await asyncio.gather(*(api.start_run(course, brief) for course in course_ids))
    runs = {run["id"]: run for run in answers if run is not None}
    failed: dict[str, str] = {}  # run id -> its error

    async def find_failed() -> None:
        """Runs not at the gate yet that will never get there (on their own)."""
        at_gate = {gate["run_id"] for gate in await api.pending_gates("outline")}
        waiting = [run for run_id, run in runs.items() if run_id not in at_gate | set(failed)]
        states = await asyncio.gather(*(api.run_state(r["course_id"], r["id"]) for r in waiting))
        for state in states:
            if state is not None and state["run"]["status"] == "failed":
                failed[state["run"]["id"]] = str(state["run"]["error"])

    async def all_at_gate() -> bool:
        return await api.pending_total("outline") + len(failed) >= len(runs)

    done = await poll(all_at_gate, max_wait, check=find_failed, check_every=2.0)
    await find_failed()  # the final count, whether or not every run made it
    gates = {gate["run_id"]: gate for gate in await api.pending_gates("outline")}
    to_gate = sorted(
        _seconds_between(run["started_at"], gates[run_id]["created_at"])
        for run_id, run in runs.items()
        if run_id in gates
    )
    http_errors = api.errors[errors_before:]
    all_reached = done is not None and not failed and len(gates) == len(course_ids)
    return Burst(
        runs=len(course_ids),
        latency_seconds=fake.latency,
        seconds=round(done - started, 3) if done is not None and all_reached else None,
        reached=len(gates),
        failed_runs=len(failed),
        http_errors=len(http_errors),
        gate_p50_seconds=round(statistics.median(to_gate), 3) if to_gate else None,
        gate_max_seconds=round(to_gate[-1], 3) if to_gate else None,
        errors=[*http_errors, *failed.values()][:MAX_REPORTED_ERRORS],
    )
