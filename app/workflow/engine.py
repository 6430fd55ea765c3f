"""Advancing a run, in a worker: resume the graph with the decisions reviewers have made,
until it waits at a gate again, ends, or fails.

Safe to run twice and to die anywhere: an advisory lock keeps one worker per run, the
checkpointer keeps every finished node (a killed worker's successor redoes only the nodes
that were running), and gates are matched to the graph's pending interrupts by id.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from langgraph.types import Command, StateSnapshot
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.db import utcnow
from app.core.jobs import JobContext
from app.courses import service as courses
from app.courses.models import CourseStatus
from app.realtime import events
from app.realtime.events import EventType
from app.realtime.models import WorkflowEvent
from app.workflow import ledger, repository
from app.workflow.context import WorkflowDeps
from app.workflow.errors import RunCancelled
from app.workflow.models import GateKind, GateStatus, ReviewGate, RunStatus, WorkflowRun
from app.workflow.providers import close_writer, writer_for
from app.workflow.providers.base import CourseWriter, Phase, ProviderError
from app.workflow.providers.pricing import prices_for
from app.workflow.runtime import WorkflowRuntime, run_config

log = logging.getLogger("courzly.workflow")
LOCK_POLL_SECONDS = 0.2


@asynccontextmanager
async def run_lock(engine: AsyncEngine, run_id: uuid.UUID) -> AsyncIterator[None]:
    """Wait for the run's lock without holding a transaction open (polling, so the job stays
    cancellable and keeps its heartbeat)."""
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        # The lock lives in PostgreSQL: there is no local event to wait on.
        while not await repository.try_lock_run(connection, run_id):  # noqa: ASYNC110
            await asyncio.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            await repository.unlock_run(connection, run_id)


def _deps(ctx: JobContext, run: WorkflowRun, writer: CourseWriter) -> WorkflowDeps:
    return WorkflowDeps(
        settings=ctx.settings,
        sessions=ctx.sessions,
        redis=ctx.redis,
        keys=ctx.keys,
        writer=writer,
        prices=prices_for(ctx.settings),
        run_id=run.id,
        course_id=run.course_id,
    )


async def advance(ctx: JobContext, run_id: uuid.UUID) -> None:
    runtime: WorkflowRuntime = ctx.runtime
    async with run_lock(ctx.engine, run_id):
        while await _step(ctx, runtime, run_id):
            pass


async def _load(ctx: JobContext, run_id: uuid.UUID) -> WorkflowRun | None:
    async with ctx.sessions() as session:
        return await repository.get_run(session, run_id)


@dataclass(frozen=True)
class Step:
    graph_input: Any  # the first state, a Command with decisions, or None (carry on)
    resumed: list[uuid.UUID]  # gates whose decisions this step hands to the graph


async def _step(ctx: JobContext, runtime: WorkflowRuntime, run_id: uuid.UUID) -> bool:
    """One graph invocation; True when there may be more to do."""
    run = await _load(ctx, run_id)
    if run is None or repository.is_finished(run.status):
        return False
    step = await _next_step(ctx, runtime, run)
    if step is None:
        return False
    await _mark_running(ctx, run)
    config = run_config(run, max_concurrency=ctx.settings.workflow_lesson_concurrency)
    writer = writer_for(ctx.settings)
    try:
        await runtime.graph.ainvoke(step.graph_input, config, context=_deps(ctx, run, writer))
    except RunCancelled:
        log.info("run cancelled while running", extra={"run_id": str(run.id)})
        return False
    except ProviderError as exc:
        await _fail(ctx, run, exc)
        return False
    finally:
        await close_writer(writer)
    snapshot = await runtime.graph.aget_state(run_config(run))
    async with ctx.sessions() as session:
        await repository.set_gates(session, step.resumed, GateStatus.APPLIED)
        await repository.set_run(
            session, run.id, head_checkpoint=snapshot.config["configurable"]["checkpoint_id"]
        )
        await session.commit()
    return True


async def _next_step(ctx: JobContext, runtime: WorkflowRuntime, run: WorkflowRun) -> Step | None:
    """What to feed the graph now, or None while it waits for reviewers or is done. A run's
    branch is the newest in its thread: only one run per course is active at a time."""
    snapshot = await runtime.graph.aget_state(run_config(run))
    if not snapshot.values:
        first = {"run_id": str(run.id), "course_id": str(run.course_id), "brief": run.brief}
        return Step(first, [])
    if snapshot.interrupts:
        return await _decisions(ctx, run, snapshot)
    if snapshot.next:
        return Step(None, [])  # a fork point, or nodes a killed worker left unfinished
    await _succeed(ctx, run, snapshot)
    return None


async def _decisions(ctx: JobContext, run: WorkflowRun, snapshot: StateSnapshot) -> Step | None:
    """Resume the interrupts reviewers have decided; open gates for the others."""
    pending = {interrupt.id: interrupt.value for interrupt in snapshot.interrupts}
    async with ctx.sessions() as session:
        decided = await repository.gates(session, run.id, [GateStatus.DECIDED])
        # Decided gates whose interrupt is gone were taken by a step whose worker died
        # before recording it.
        consumed = [g.id for g in decided if g.interrupt_id not in pending]
        await repository.set_gates(session, consumed, GateStatus.APPLIED)
        ready = [g for g in decided if g.interrupt_id in pending]
        opened = [] if ready else await _open_gates(session, run, pending)
        if not ready:
            await repository.set_run(session, run.id, status=RunStatus.WAITING)
            await courses.set_status(session, run.course_id, CourseStatus.IN_REVIEW)
            opened.append(
                await events.append(
                    session, run.course_id, run.id, EventType.RUN_WAITING, {"gates": len(pending)}
                )
            )
        await session.commit()
    await events.publish(ctx.redis, ctx.keys, opened)
    if not ready:
        return None
    resume = {gate.interrupt_id: _decision_value(gate) for gate in ready}
    return Step(Command(resume=resume), [gate.id for gate in ready])


def _decision_value(gate: ReviewGate) -> dict[str, Any]:
    return {
        "decision": gate.decision,
        "feedback": gate.feedback or "",
        **(gate.edit or {}),
        "decided_by": str(gate.decided_by) if gate.decided_by else None,
    }


async def _open_gates(
    session: AsyncSession, run: WorkflowRun, pending: dict[str, Any]
) -> list[WorkflowEvent]:
    opened = []
    for interrupt_id, value in pending.items():
        gate_id = await repository.add_gate(
            session,
            {
                "run_id": run.id,
                "course_id": run.course_id,
                "interrupt_id": interrupt_id,
                "kind": GateKind(value["kind"]),
                "lesson_key": value.get("lesson_key"),
                "title": str(value.get("title", ""))[:300],
                "round": int(value.get("round", 1)),
                "status": GateStatus.PENDING,
            },
        )
        if gate_id is not None:
            payload = {"gate_id": str(gate_id), **value}
            opened.append(
                await events.append(
                    session, run.course_id, run.id, EventType.REVIEW_REQUESTED, payload
                )
            )
    return opened


async def _mark_running(ctx: JobContext, run: WorkflowRun) -> None:
    if run.status is RunStatus.RUNNING:
        return
    async with ctx.sessions() as session:
        await repository.set_run(session, run.id, status=RunStatus.RUNNING)
        await courses.set_status(session, run.course_id, CourseStatus.GENERATING)
        await session.commit()


async def _succeed(ctx: JobContext, run: WorkflowRun, snapshot: StateSnapshot) -> None:
    async with ctx.sessions() as session:
        await repository.set_run(
            session, run.id, status=RunStatus.SUCCEEDED, phase="ready", finished_at=utcnow()
        )
        event = await events.append(
            session,
            run.course_id,
            run.id,
            EventType.RUN_SUCCEEDED,
            {"approved": bool(snapshot.values.get("approved"))},
        )
        await session.commit()
    await events.publish(ctx.redis, ctx.keys, [event])


_PHASES = {"outline": Phase.OUTLINE, "lessons": Phase.LESSON, "quizzes": Phase.QUIZ}


async def _fail(ctx: JobContext, run: WorkflowRun, error: ProviderError) -> None:
    """A step that cannot succeed by retrying: the run stops with the reason, resumable
    from its last checkpoint through the retry endpoint. Calls made before giving up were
    paid for all the same, and go to the ledger."""
    reason = str(error)
    log.warning("run failed", extra={"run_id": str(run.id), "reason": reason})
    async with ctx.sessions() as session:
        current = await repository.get_run(session, run.id)
        phase = _PHASES.get(current.phase if current else "", Phase.LESSON)
        await ledger.record(
            session,
            course_id=run.course_id,
            run_id=run.id,
            phase=phase,
            usage=error.usage,
            prices=prices_for(ctx.settings),
        )
        await repository.set_run(session, run.id, status=RunStatus.FAILED, error=reason[:2000])
        await courses.set_status(session, run.course_id, CourseStatus.DRAFT)
        event = await events.append(
            session, run.course_id, run.id, EventType.RUN_FAILED, {"error": reason[:2000]}
        )
        await session.commit()
    await events.publish(ctx.redis, ctx.keys, [event])
