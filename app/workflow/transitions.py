"""A run's status changes made by workers, each in one transaction that first locks the run
row and goes ahead only while the run is active and not cancelled: a cancel (or a fork)
that lands during a step always wins, and row-then-gates lock order matches the API's."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from langgraph.types import StateSnapshot
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.core.jobs import JobContext
from app.courses import service as courses
from app.courses.models import CourseStatus
from app.realtime import events
from app.realtime.events import EventType
from app.realtime.models import WorkflowEvent
from app.workflow import ledger, repository
from app.workflow.models import GateKind, GateStatus, ReviewGate, RunStatus, WorkflowRun
from app.workflow.providers.base import Phase, Usage
from app.workflow.providers.pricing import prices_for

log = logging.getLogger("courzly.workflow")
_PHASES = {"outline": Phase.OUTLINE, "lessons": Phase.LESSON, "quizzes": Phase.QUIZ}


async def mark_running(ctx: JobContext, run_id: uuid.UUID) -> bool:
    """False when the run was cancelled meanwhile (nothing is written then)."""
    async with ctx.sessions() as session:
        run = await repository.lock_active_run(session, run_id)
        if run is None:
            return False
        if run.status is not RunStatus.RUNNING:
            run.status = RunStatus.RUNNING
            await courses.set_status(session, run.course_id, CourseStatus.GENERATING)
        await session.commit()
    return True


async def record_step(
    ctx: JobContext, run_id: uuid.UUID, resumed: Sequence[uuid.UUID], head: str
) -> bool:
    """After a graph step: its decisions are taken and the run's branch head moves."""
    async with ctx.sessions() as session:
        run = await repository.lock_active_run(session, run_id)
        if run is None:
            return False
        await repository.set_gates(session, resumed, GateStatus.APPLIED)
        run.head_checkpoint = head
        await session.commit()
    return True


async def take_decisions(
    ctx: JobContext, run_id: uuid.UUID, pending: dict[str, Any]
) -> list[ReviewGate] | None:
    """The decided gates among the graph's pending interrupts, or None: the run now waits
    (gates opened for new interrupts, reviewers told) or is no longer active."""
    published: list[WorkflowEvent] = []
    async with ctx.sessions() as session:
        run = await repository.lock_active_run(session, run_id)
        if run is None:
            return None
        decided = await repository.gates(session, run.id, [GateStatus.DECIDED])
        # A decided gate whose interrupt is gone was taken by a step whose worker died
        # before it could record so.
        consumed = [g.id for g in decided if g.interrupt_id not in pending]
        await repository.set_gates(session, consumed, GateStatus.APPLIED)
        ready = [g for g in decided if g.interrupt_id in pending]
        if not ready:
            published = await _open_gates(session, run, pending)
            run.status = RunStatus.WAITING
            await courses.set_status(session, run.course_id, CourseStatus.IN_REVIEW)
            published.append(
                await events.append(
                    session, run.course_id, run.id, EventType.RUN_WAITING, {"gates": len(pending)}
                )
            )
        await session.commit()
    await events.publish(ctx.redis, ctx.keys, published)
    return ready or None


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


async def succeed(ctx: JobContext, run_id: uuid.UUID, snapshot: StateSnapshot) -> None:
    async with ctx.sessions() as session:
        run = await repository.lock_active_run(session, run_id)
        if run is None:
            return
        run.status, run.phase, run.finished_at = RunStatus.SUCCEEDED, "ready", utcnow()
        event = await events.append(
            session,
            run.course_id,
            run.id,
            EventType.RUN_SUCCEEDED,
            {"approved": bool(snapshot.values.get("approved"))},
        )
        await session.commit()
    await events.publish(ctx.redis, ctx.keys, [event])


async def fail(
    ctx: JobContext, run_id: uuid.UUID, reason: str, usage: Sequence[Usage] = ()
) -> None:
    """A step that cannot succeed by retrying: the run stops with the reason, resumable
    from its last checkpoint through the retry endpoint. Calls made before giving up were
    paid for all the same, and go to the ledger (a cancelled run's too)."""
    log.warning("run failed", extra={"run_id": str(run_id), "reason": reason})
    async with ctx.sessions() as session:
        run = await repository.get_run(session, run_id, for_update=True)
        if run is None:
            return
        await ledger.record(
            session,
            course_id=run.course_id,
            run_id=run.id,
            phase=_PHASES.get(run.phase, Phase.LESSON),
            usage=usage,
            prices=prices_for(ctx.settings),
        )
        published = []
        if not repository.is_finished(run.status) and not run.cancel_requested:
            run.status, run.error = RunStatus.FAILED, reason[:2000]
            await courses.set_status(session, run.course_id, CourseStatus.DRAFT)
            published.append(
                await events.append(
                    session, run.course_id, run.id, EventType.RUN_FAILED, {"error": reason[:2000]}
                )
            )
        await session.commit()
    await events.publish(ctx.redis, ctx.keys, published)
