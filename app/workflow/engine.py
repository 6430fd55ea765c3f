"""Advancing a run, in a worker: resume the graph with the decisions reviewers have made,
until it waits at a gate again, ends, or fails.

Safe to run twice and to die anywhere: an advisory lock keeps one worker per run, the
checkpointer keeps every finished node (a killed worker's successor redoes only the nodes
that were running), and gates are matched to the graph's pending interrupts by id.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from langgraph.types import Command
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError

from app.core.jobs import JobContext
from app.workflow import repository, transitions
from app.workflow.context import WorkflowDeps
from app.workflow.errors import RunCancelled
from app.workflow.models import ReviewGate, WorkflowRun
from app.workflow.providers import close_writer, writer_for
from app.workflow.providers.base import CourseWriter, ProviderError
from app.workflow.providers.pricing import prices_for
from app.workflow.runtime import WorkflowRuntime, run_config
from app.workflow.schemas import Brief

log = logging.getLogger("courzly.workflow")
LOCK_WAIT_SECONDS = 15.0
# Failures a retry can cure: the database, Redis or the network were away for a moment.
TRANSIENT = (DBAPIError, psycopg.OperationalError, RedisError, OSError)


def _deps(ctx: JobContext, run: WorkflowRun, writer: CourseWriter) -> WorkflowDeps:
    return WorkflowDeps(
        settings=ctx.settings,
        sessions=ctx.sessions,
        redis=ctx.redis,
        keys=ctx.keys,
        writer=writer,
        brief=Brief.model_validate(run.brief),
        prices=prices_for(ctx.settings),
        run_id=run.id,
        course_id=run.course_id,
    )


async def advance(ctx: JobContext, run_id: uuid.UUID) -> None:
    runtime: WorkflowRuntime = ctx.runtime
    async with repository.run_lock(ctx.engine, run_id, LOCK_WAIT_SECONDS) as locked:
        if not locked:
            log.info("run busy in another worker", extra={"run_id": str(run_id)})
            return
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
    if step is None or not await transitions.mark_running(ctx, run.id):
        return False
    config = run_config(run, max_concurrency=ctx.settings.workflow_lesson_concurrency)
    writer = writer_for(ctx.settings)
    try:
        await runtime.graph.ainvoke(step.graph_input, config, context=_deps(ctx, run, writer))
    except RunCancelled:
        log.info("run cancelled while running", extra={"run_id": str(run.id)})
        return False
    except ProviderError as exc:
        await transitions.fail(ctx, run.id, str(exc), exc.usage)
        return False
    except TRANSIENT:
        raise  # the job is retried with backoff, from the last checkpoint
    except Exception as exc:
        # A bug, not the weather: retrying would fail the same way. Stop with a reason.
        log.exception("run step crashed", extra={"run_id": str(run.id)})
        now = await _load(ctx, run.id)  # the step may have moved the run to a later phase
        phase = now.phase if now else run.phase
        reason = f"internal error in the {phase} step ({type(exc).__name__}); see the worker log"
        await transitions.fail(ctx, run.id, reason)
        return False
    finally:
        await close_writer(writer)
    snapshot = await runtime.graph.aget_state(run_config(run))
    head = snapshot.config["configurable"]["checkpoint_id"]
    return await transitions.record_step(ctx, run.id, step.resumed, head)


async def _next_step(ctx: JobContext, runtime: WorkflowRuntime, run: WorkflowRun) -> Step | None:
    """What to feed the graph now, or None while it waits for reviewers or is done. A run's
    branch is the newest in its thread: only one run per course is active at a time."""
    snapshot = await runtime.graph.aget_state(run_config(run))
    if not snapshot.values:
        first = {"run_id": str(run.id), "course_id": str(run.course_id), "brief": run.brief}
        return Step(first, [])
    if snapshot.interrupts:
        pending = {interrupt.id: interrupt.value for interrupt in snapshot.interrupts}
        ready = await transitions.take_decisions(ctx, run.id, pending)
        if ready is None:
            return None
        resume = {gate.interrupt_id: _decision_value(gate) for gate in ready}
        return Step(Command(resume=resume), [gate.id for gate in ready])
    if snapshot.next:
        return Step(None, [])  # a fork point, or nodes a killed worker left unfinished
    await transitions.succeed(ctx, run.id, snapshot)
    return None


def _decision_value(gate: ReviewGate) -> dict[str, Any]:
    return {
        "decision": gate.decision,
        "feedback": gate.feedback or "",
        **(gate.edit or {}),
        "decided_by": str(gate.decided_by) if gate.decided_by else None,
    }
