"""Runs as the API sees them: start, decide, cancel, retry, fork, and what a run view shows.

The API never calls a model: it records intent in PostgreSQL and queues `workflow.advance`
after the commit; workers do the rest (app/workflow/engine.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.errors import InvalidUpdateError
from langgraph.types import StateSnapshot
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.audit import service as audit
from app.config import Settings
from app.core.after_commit import after_commit
from app.core.db import utcnow
from app.core.jobs import JobContext, JobQueue
from app.core.redis import Keys
from app.courses import service as courses
from app.courses.models import CourseStatus
from app.courses.service import CourseAccess
from app.realtime import events
from app.realtime.events import EventType
from app.realtime.models import WorkflowEvent
from app.reviews import service as reviews
from app.workflow import metrics, repository
from app.workflow.errors import (
    CheckpointNotFound,
    GateNotFound,
    GateNotPending,
    RunAlreadyActive,
    RunBusy,
    RunFinished,
    RunNotFound,
    SourceTooLarge,
)
from app.workflow.models import GateStatus, ReviewGate, RunStatus, WorkflowRun
from app.workflow.runtime import WorkflowRuntime, run_config
from app.workflow.schemas import (
    Brief,
    CheckpointRead,
    DecisionCreate,
    GateRead,
    Outline,
    RunRead,
    RunState,
)
from app.workflow.state import merge_by_key
from app.workflow.validation import check_decision

ADVANCE = "workflow.advance"
MAX_HISTORY = 1000


class Outbox:
    """Publishing and queueing that must wait for the request's commit."""

    def __init__(self, session: AsyncSession, redis: Any, keys: Keys, jobs: JobQueue) -> None:
        self.session, self.redis, self.keys, self.jobs = session, redis, keys, jobs

    def publish(self, *staged: WorkflowEvent) -> None:
        after_commit(self.session, lambda: events.publish(self.redis, self.keys, list(staged)))

    def advance(self, run_id: uuid.UUID, reason: str) -> None:
        key = f"advance:{run_id}:{reason}"
        after_commit(self.session, lambda: self.jobs.enqueue(ADVANCE, key=key, run_id=str(run_id)))


def _engine(session: AsyncSession) -> AsyncEngine:
    bind = session.bind
    assert isinstance(bind, AsyncEngine)
    return bind


def check_source(brief: Brief, settings: Settings) -> None:
    size = len(brief.source_material.encode())
    if size > settings.max_source_bytes:
        raise SourceTooLarge(
            f"The source material is {size} bytes; the limit is {settings.max_source_bytes} "
            "bytes (MAX_SOURCE_BYTES).",
            extra={"limit_bytes": settings.max_source_bytes, "size_bytes": size},
        )


async def start_run(
    session: AsyncSession, access: CourseAccess, brief: Brief, settings: Settings, outbox: Outbox
) -> WorkflowRun:
    check_source(brief, settings)
    course = access.course
    # The course row lock makes concurrent starts queue up here, so the second one sees
    # the first one's run and gets 409.
    await courses.lock(session, course)
    if await repository.active_run(session, course.id) is not None:
        raise RunAlreadyActive
    run_id = uuid.uuid4()
    run = WorkflowRun(
        id=run_id,
        course_id=course.id,
        thread_id=str(run_id),
        status=RunStatus.QUEUED,
        brief=brief.model_dump(mode="json"),
        offline=settings.openai_api_key is None,
        started_by=access.user.id,
    )
    session.add(run)
    await session.flush()
    await courses.set_brief(session, course, brief.model_dump(mode="json"))
    await courses.set_status(session, course.id, CourseStatus.GENERATING)
    await audit.record(
        session,
        actor_id=access.user.id,
        action="run.started",
        entity_type="workflow_run",
        entity_id=run.id,
        after={"course_id": str(course.id), "offline": run.offline},
    )
    started = await events.append(
        session, course.id, run.id, EventType.RUN_STARTED, {"offline": run.offline}
    )
    outbox.publish(started)
    outbox.advance(run.id, "start")
    return run


async def get_run(
    session: AsyncSession, access: CourseAccess, run_id: uuid.UUID, *, for_update: bool = False
) -> WorkflowRun:
    run = await repository.get_run(session, run_id, for_update=for_update)
    if run is None or run.course_id != access.course.id:
        raise RunNotFound
    return run


async def run_state(
    session: AsyncSession, access: CourseAccess, run_id: uuid.UUID, runtime: WorkflowRuntime
) -> RunState:
    run = await get_run(session, access, run_id)
    values: dict[str, Any] = {}
    lessons: dict[str, dict[str, Any]] = {}
    if run.head_checkpoint is not None:
        snapshot = await runtime.graph.aget_state(
            run_config(run, checkpoint_id=run.head_checkpoint), subgraphs=True
        )
        values = dict(snapshot.values)
        lessons = merge_by_key(values.get("lessons", {}), _lessons_in_flight(snapshot))
    outline = values.get("outline")
    return RunState(
        run=RunRead.model_validate(run),
        gates=[GateRead.model_validate(g) for g in await repository.gates(session, run.id)],
        outline=Outline.model_validate(outline) if outline else None,
        outline_feedback=list(values.get("outline_feedback", [])),
        lessons=lessons,
        alignment=values.get("alignment"),
        usage=await repository.usage_by_phase(session, run.id),
    )


def _lessons_in_flight(snapshot: StateSnapshot) -> dict[str, dict[str, Any]]:
    """What each lesson's own loop has done so far: the course graph's state gets it only
    when the loop ends, with the lesson approved."""
    found: dict[str, dict[str, Any]] = {}
    for task in snapshot.tasks:
        if isinstance(task.state, StateSnapshot):
            found = merge_by_key(found, task.state.values.get("lessons", {}))
    return found


async def decide(
    session: AsyncSession,
    access: CourseAccess,
    run_id: uuid.UUID,
    gate_id: uuid.UUID,
    body: DecisionCreate,
    outbox: Outbox,
) -> tuple[ReviewGate, bool]:
    """Store a decision and wake the run. The same decision sent again is taken once
    (returns the gate and False); a different one on a decided gate is a conflict.

    Locks run, then gate, then (appending the event) the course's counter: the order every
    worker transaction keeps too, so the two never deadlock."""
    run = await get_run(session, access, run_id, for_update=True)
    gate = await repository.get_gate(session, gate_id, for_update=True)
    if gate is None or gate.run_id != run.id:
        raise GateNotFound
    edit = await check_decision(session, gate, body, run)
    if gate.status is not GateStatus.PENDING:
        if _same_decision(gate, body, edit) and gate.status is not GateStatus.CLOSED:
            return gate, False
        raise GateNotPending(
            f"This gate is {gate.status.value}"
            + (f" ({gate.decision})." if gate.decision else "."),
            extra={"gate_status": gate.status.value, "decision": gate.decision},
        )
    gate.status, gate.decision, gate.feedback = GateStatus.DECIDED, body.decision, body.feedback
    gate.edit, gate.decided_by, gate.decided_at = edit, access.user.id, utcnow()
    await session.flush()
    await reviews.record_gate_decision(session, gate, access.user.id)
    await audit.record(
        session,
        actor_id=access.user.id,
        action="review.decided",
        entity_type="review_gate",
        entity_id=gate.id,
        after={"decision": body.decision.value, "kind": gate.kind.value, "run_id": str(run.id)},
    )
    decided = await events.append(
        session,
        run.course_id,
        run.id,
        EventType.DECISION_MADE,
        {
            "gate_id": str(gate.id),
            "kind": gate.kind.value,
            "lesson_key": gate.lesson_key,
            "decision": body.decision.value,
            "feedback": body.feedback,
            "title": gate.title,
            "by": str(access.user.id),  # the decider's own view needs no toast about it
        },
    )
    outbox.publish(decided)
    outbox.advance(run.id, f"gate-{gate.id}")
    metrics.DECISIONS.labels(gate.kind.value, body.decision.value).inc()
    waited = (gate.decided_at - gate.created_at).total_seconds()
    metrics.GATE_WAIT.labels(gate.kind.value).observe(max(waited, 0.0))
    return gate, True


def _same_decision(gate: ReviewGate, body: DecisionCreate, edit: dict[str, Any] | None) -> bool:
    return (gate.decision, gate.feedback or "", gate.edit) == (body.decision, body.feedback, edit)


async def cancel(
    session: AsyncSession, access: CourseAccess, run_id: uuid.UUID, outbox: Outbox
) -> WorkflowRun:
    run = await repository.get_run(session, run_id, for_update=True)
    if run is None or run.course_id != access.course.id:
        raise RunNotFound
    if repository.is_finished(run.status):
        raise RunFinished(f"This run has already ended ({run.status.value}).")
    await _stop(session, run, RunStatus.CANCELLED, access.user.id, "run.cancelled")
    cancelled = await events.append(session, run.course_id, run.id, EventType.RUN_CANCELLED, {})
    outbox.publish(cancelled)
    return run


async def _stop(
    session: AsyncSession, run: WorkflowRun, status: RunStatus, actor: uuid.UUID, action: str
) -> None:
    """End a run: workers see `cancel_requested` before their next model call."""
    run.status, run.cancel_requested, run.finished_at = status, True, utcnow()
    await repository.close_open_gates(session, run.id)
    await courses.set_status(session, run.course_id, CourseStatus.DRAFT)
    await audit.record(
        session, actor_id=actor, action=action, entity_type="workflow_run", entity_id=run.id
    )
    await session.flush()


async def retry(
    session: AsyncSession, access: CourseAccess, run_id: uuid.UUID, outbox: Outbox
) -> WorkflowRun:
    """A failed run resumes from its last checkpoint: finished nodes are not redone."""
    run = await repository.get_run(session, run_id, for_update=True)
    if run is None or run.course_id != access.course.id:
        raise RunNotFound
    if run.status is not RunStatus.FAILED:
        raise RunFinished(f"Only a failed run can be retried; this one is {run.status.value}.")
    run.status, run.error, run.cancel_requested = RunStatus.QUEUED, None, False
    await audit.record(
        session,
        actor_id=access.user.id,
        action="run.retried",
        entity_type="workflow_run",
        entity_id=run.id,
    )
    outbox.advance(run.id, f"retry-{uuid.uuid4()}")
    return run


async def checkpoints(
    session: AsyncSession, access: CourseAccess, run_id: uuid.UUID, runtime: WorkflowRuntime
) -> list[CheckpointRead]:
    """This run's history, newest first: its head and the head's ancestors (a thread also
    holds the other branches: forks of it, or the run it was forked from, after the fork)."""
    run = await get_run(session, access, run_id)
    if run.head_checkpoint is None:
        return []
    by_id: dict[str, CheckpointRead] = {}
    async for snapshot in runtime.graph.aget_state_history(run_config(run), limit=MAX_HISTORY):
        parent = (snapshot.parent_config or {}).get("configurable", {})
        checkpoint_id = snapshot.config["configurable"]["checkpoint_id"]
        by_id[checkpoint_id] = CheckpointRead(
            checkpoint_id=checkpoint_id,
            parent_checkpoint_id=parent.get("checkpoint_id"),
            step=snapshot.metadata.get("step") if snapshot.metadata else None,
            next=list(snapshot.next),
            waiting_at=[dict(i.value) for i in snapshot.interrupts],
            created_at=snapshot.created_at,
        )
    lineage: list[CheckpointRead] = []
    current = by_id.get(run.head_checkpoint)
    while current is not None:
        lineage.append(current)
        current = by_id.get(current.parent_checkpoint_id or "")
    return lineage


async def fork(
    session: AsyncSession,
    access: CourseAccess,
    run_id: uuid.UUID,
    checkpoint_id: str,
    runtime: WorkflowRuntime,
    outbox: Outbox,
) -> WorkflowRun:
    """A new run from one of this run's checkpoints (say, back at the outline gate). The old
    run ends, its history stays; both are branches of one LangGraph thread."""
    parent = await repository.get_run(session, run_id, for_update=True)
    if parent is None or parent.course_id != access.course.id:
        raise RunNotFound
    known = {c.checkpoint_id for c in await checkpoints(session, access, run_id, runtime)}
    if checkpoint_id not in known:
        raise CheckpointNotFound
    active = await repository.active_run(session, parent.course_id)
    if active is not None and active.id != parent.id:
        raise RunAlreadyActive
    # A worker in the middle of a parent's step would write past the fork point and the
    # fork would follow it. A worker that starts one after this check waits on the parent's
    # row, locked above, and then finds it cancelled.
    async with repository.run_lock(_engine(session), parent.id, wait_seconds=0) as free:
        if not free:
            raise RunBusy
    try:
        branch = await runtime.graph.aupdate_state(
            run_config(parent, checkpoint_id=checkpoint_id), None
        )
    except InvalidUpdateError as exc:
        raise CheckpointNotFound(f"This checkpoint cannot be forked: {exc}") from exc
    if not repository.is_finished(parent.status):
        await _stop(session, parent, RunStatus.CANCELLED, access.user.id, "run.forked_away")
    run = WorkflowRun(
        course_id=parent.course_id,
        thread_id=parent.thread_id,
        head_checkpoint=branch["configurable"]["checkpoint_id"],
        parent_run_id=parent.id,
        forked_from_checkpoint=checkpoint_id,
        status=RunStatus.QUEUED,
        brief=parent.brief,
        offline=parent.offline,
        started_by=access.user.id,
    )
    session.add(run)
    await session.flush()
    await courses.set_status(session, run.course_id, CourseStatus.GENERATING)
    await audit.record(
        session,
        actor_id=access.user.id,
        action="run.forked",
        entity_type="workflow_run",
        entity_id=run.id,
        after={"parent_run_id": str(parent.id), "checkpoint_id": checkpoint_id},
    )
    started = await events.append(
        session,
        run.course_id,
        run.id,
        EventType.RUN_STARTED,
        {"forked_from_run": str(parent.id), "checkpoint_id": checkpoint_id},
    )
    outbox.publish(started)
    outbox.advance(run.id, "start")
    return run


async def catch_up(ctx: JobContext) -> None:
    """Queue an advance for every run that may be missing one (worker housekeeping)."""
    async with ctx.sessions() as session:
        run_ids = await repository.runs_needing_advance(session)
    for run_id in run_ids:
        await ctx.queue.enqueue(ADVANCE, key=f"advance:{run_id}:catch-up", run_id=str(run_id))


async def list_runs(session: AsyncSession, access: CourseAccess) -> list[WorkflowRun]:
    return await repository.course_runs(session, access.course.id)
