"""SQL of the workflow domain: runs, review gates and the token ledger."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.courses.models import Course
from app.workflow.models import (
    ACTIVE_RUN_STATUSES,
    AIUsage,
    GateStatus,
    ReviewGate,
    RunStatus,
    WorkflowRun,
)

# Row locks here are FOR NO KEY UPDATE (key_share=True): they still serialize writers of
# the row, but let rows that reference it (events, ledger entries, gates) be inserted
# meanwhile. A plain FOR UPDATE would block those foreign-key checks and deadlock against
# a worker that has just taken the course's event counter.


async def get_run(
    session: AsyncSession, run_id: uuid.UUID, *, for_update: bool = False
) -> WorkflowRun | None:
    query = select(WorkflowRun).where(WorkflowRun.id == run_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    found: WorkflowRun | None = await session.scalar(query)
    return found


async def lock_active_run(session: AsyncSession, run_id: uuid.UUID) -> WorkflowRun | None:
    """The run, row-locked, if it is active and not cancelled; else None."""
    query = (
        select(WorkflowRun)
        .where(
            WorkflowRun.id == run_id,
            WorkflowRun.status.in_(ACTIVE_RUN_STATUSES),
            WorkflowRun.cancel_requested.is_(False),
        )
        .with_for_update(key_share=True)
    )
    found: WorkflowRun | None = await session.scalar(query)
    return found


async def active_run(session: AsyncSession, course_id: uuid.UUID) -> WorkflowRun | None:
    query = (
        select(WorkflowRun)
        .where(WorkflowRun.course_id == course_id, WorkflowRun.status.in_(ACTIVE_RUN_STATUSES))
        .limit(1)
    )
    found: WorkflowRun | None = await session.scalar(query)
    return found


async def course_runs(session: AsyncSession, course_id: uuid.UUID) -> list[WorkflowRun]:
    query = (
        select(WorkflowRun)
        .where(WorkflowRun.course_id == course_id)
        .order_by(WorkflowRun.started_at.desc())
        .limit(100)
    )
    return list(await session.scalars(query))


LOCK_POLL_SECONDS = 0.2


async def try_lock_run(connection: AsyncConnection, run_id: uuid.UUID) -> bool:
    """One worker advances a run at a time: a session-level advisory lock on a connection of
    its own, released by `unlock_run` or, if the worker dies, when that connection closes."""
    locked = await connection.scalar(
        text("SELECT pg_try_advisory_lock(hashtext('courzly-run'), hashtext(:run))"),
        {"run": str(run_id)},
    )
    return bool(locked)


async def unlock_run(connection: AsyncConnection, run_id: uuid.UUID) -> None:
    await connection.execute(
        text("SELECT pg_advisory_unlock(hashtext('courzly-run'), hashtext(:run))"),
        {"run": str(run_id)},
    )


@asynccontextmanager
async def run_lock(
    engine: AsyncEngine, run_id: uuid.UUID, wait_seconds: float
) -> AsyncIterator[bool]:
    """The run's lock, waited for up to `wait_seconds` without holding a transaction open;
    yields whether it was taken. A holder re-reads the decisions after each of its steps, so
    a job that gives up loses nothing: the wait only covers a holder that is just leaving."""
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        deadline = asyncio.get_running_loop().time() + wait_seconds
        locked = await try_lock_run(connection, run_id)
        # The lock lives in PostgreSQL: there is no local event to wait on.
        while not locked and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(LOCK_POLL_SECONDS)
            locked = await try_lock_run(connection, run_id)
        try:
            yield locked
        finally:
            if locked:
                await unlock_run(connection, run_id)


async def set_run(session: AsyncSession, run_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(WorkflowRun).where(WorkflowRun.id == run_id).values(**values))


async def gates(
    session: AsyncSession, run_id: uuid.UUID, statuses: Sequence[GateStatus] | None = None
) -> list[ReviewGate]:
    query = select(ReviewGate).where(ReviewGate.run_id == run_id)
    if statuses is not None:
        query = query.where(ReviewGate.status.in_(statuses))
    return list(await session.scalars(query.order_by(ReviewGate.created_at, ReviewGate.id)))


async def get_gate(
    session: AsyncSession, gate_id: uuid.UUID, *, for_update: bool = False
) -> ReviewGate | None:
    query = select(ReviewGate).where(ReviewGate.id == gate_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    found: ReviewGate | None = await session.scalar(query)
    return found


async def add_gate(session: AsyncSession, values: dict[str, Any]) -> uuid.UUID | None:
    """Insert a gate unless its interrupt already has one; the new id, or None."""
    statement = (
        insert(ReviewGate)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=["run_id", "interrupt_id"])
        .returning(ReviewGate.id)
    )
    gate_id: uuid.UUID | None = await session.scalar(statement)
    return gate_id


async def set_gates(
    session: AsyncSession, gate_ids: Sequence[uuid.UUID], status: GateStatus
) -> None:
    if gate_ids:
        await session.execute(
            update(ReviewGate).where(ReviewGate.id.in_(gate_ids)).values(status=status)
        )


async def close_open_gates(session: AsyncSession, run_id: uuid.UUID) -> None:
    await session.execute(
        update(ReviewGate)
        .where(
            ReviewGate.run_id == run_id,
            ReviewGate.status.in_((GateStatus.PENDING, GateStatus.DECIDED)),
        )
        .values(status=GateStatus.CLOSED)
    )


async def pending_gates(
    session: AsyncSession,
    course_ids: Sequence[uuid.UUID] | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[list[ReviewGate], int]:
    """The reviewers' queue; `course_ids` None means every course (admins)."""
    query = (
        select(ReviewGate)
        .join(Course, Course.id == ReviewGate.course_id)
        .where(ReviewGate.status == GateStatus.PENDING, Course.deleted_at.is_(None))
    )
    if course_ids is not None:
        query = query.where(ReviewGate.course_id.in_(course_ids))
    if kind is not None:
        query = query.where(ReviewGate.kind == kind)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    page = await session.scalars(
        query.order_by(ReviewGate.created_at, ReviewGate.id).limit(limit).offset(offset)
    )
    return list(page), int(total or 0)


async def add_run_cost(session: AsyncSession, run_id: uuid.UUID, cost: Decimal) -> Decimal:
    """Add to a run's cost; returns its new total."""
    total = await session.scalar(
        update(WorkflowRun)
        .where(WorkflowRun.id == run_id)
        .values(cost_usd=WorkflowRun.cost_usd + cost)
        .returning(WorkflowRun.cost_usd)
    )
    return Decimal(total or 0)


async def usage_by_phase(session: AsyncSession, run_id: uuid.UUID) -> list[dict[str, Any]]:
    query = (
        select(
            AIUsage.phase,
            func.count(),
            func.sum(AIUsage.prompt_tokens),
            func.sum(AIUsage.completion_tokens),
            func.sum(AIUsage.cost_usd),
        )
        .where(AIUsage.run_id == run_id)
        .group_by(AIUsage.phase)
        .order_by(AIUsage.phase)
    )
    return [
        {
            "phase": phase,
            "calls": calls,
            "prompt_tokens": int(prompt or 0),
            "completion_tokens": int(completion or 0),
            "cost_usd": str(cost or 0),
        }
        for phase, calls, prompt, completion, cost in (await session.execute(query)).all()
    ]


def is_finished(status: RunStatus) -> bool:
    return status not in ACTIVE_RUN_STATUSES


async def runs_needing_advance(session: AsyncSession, idle_seconds: int = 30) -> list[uuid.UUID]:
    """Runs that may have lost their job: queued or running without a recent update, or
    with a decision not yet taken up."""
    stale = func.now() - func.make_interval(0, 0, 0, 0, 0, 0, idle_seconds)
    queued = select(WorkflowRun.id).where(
        WorkflowRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)),
        WorkflowRun.updated_at < stale,
    )
    decided = select(ReviewGate.run_id).where(
        ReviewGate.status == GateStatus.DECIDED, ReviewGate.updated_at < stale
    )
    return list(await session.scalars(queued.union(decided)))


async def active_runs_by_phase(session: AsyncSession) -> list[tuple[str, str, int, float]]:
    """(status, phase, runs, longest idle seconds) of every active run. Idle: time since the
    run row changed or its last AI call ended, whichever is later."""
    last_call = (
        select(func.max(AIUsage.created_at))
        .where(AIUsage.run_id == WorkflowRun.id)
        .correlate(WorkflowRun)
        .scalar_subquery()
    )
    last_progress = func.greatest(WorkflowRun.updated_at, last_call)  # GREATEST skips NULLs
    idle = func.extract("epoch", func.now() - last_progress)
    query = (
        select(WorkflowRun.status, WorkflowRun.phase, func.count(), func.max(idle))
        .where(WorkflowRun.status.in_(ACTIVE_RUN_STATUSES))
        .group_by(WorkflowRun.status, WorkflowRun.phase)
    )
    return [
        (str(status), phase, count, float(longest))
        for status, phase, count, longest in (await session.execute(query)).all()
    ]


async def pending_gates_by_kind(session: AsyncSession) -> list[tuple[str, int, float]]:
    """(gate kind, gates waiting for a reviewer, oldest wait in seconds)."""
    age = func.extract("epoch", func.now() - ReviewGate.created_at)
    query = (
        select(ReviewGate.kind, func.count(), func.max(age))
        .where(ReviewGate.status == GateStatus.PENDING)
        .group_by(ReviewGate.kind)
    )
    return [
        (str(kind), count, float(oldest))
        for kind, count, oldest in (await session.execute(query)).all()
    ]
