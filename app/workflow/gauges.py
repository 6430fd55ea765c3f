"""Installation-wide gauges, read from the database and the job queue when Prometheus scrapes
the API. They describe the whole installation, so they come from one place (each API process
samples them itself), not from every worker with values of different ages."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.jobs import JobQueue
from app.workflow import repository

log = logging.getLogger("courzly.metrics")
SAMPLE_TIMEOUT_SECONDS = 2.0  # a slow database must not make the scrape time out
STATE = CollectorRegistry(auto_describe=True)

QUEUE_DEPTH = Gauge(
    "courzly_job_queue_depth",
    "Jobs waiting in the queue (queued, not yet taken by a worker).",
    registry=STATE,
)
RUNS_ACTIVE = Gauge(
    "courzly_workflow_runs_active",
    "Workflow runs not yet finished, by status (queued, running, waiting) and phase.",
    ["status", "phase"],
    registry=STATE,
)
RUN_IDLE = Gauge(
    "courzly_workflow_run_idle_seconds_max",
    "Longest time an active run has gone without progress (a state change or an AI call), "
    "by status and phase.",
    ["status", "phase"],
    registry=STATE,
)
GATES_PENDING = Gauge(
    "courzly_review_gates_pending",
    "Review gates waiting for a reviewer, by gate kind.",
    ["kind"],
    registry=STATE,
)
GATE_OLDEST = Gauge(
    "courzly_review_gate_oldest_pending_seconds",
    "How long the oldest pending review gate of each kind has waited.",
    ["kind"],
    registry=STATE,
)
SAMPLE_ERRORS = Gauge(
    "courzly_state_sample_failed",
    "1 when the last scrape could not read the database or the queue (the gauges are stale).",
    registry=STATE,
)


async def _sample(sessions: async_sessionmaker[AsyncSession], queue: JobQueue) -> None:
    async with sessions() as session:
        runs = await repository.active_runs_by_phase(session)
        gates = await repository.pending_gates_by_kind(session)
    depth = await queue.saq.count("queued")
    # Cleared first: a phase or gate kind with nothing left must drop out, not stay frozen.
    for gauge in (RUNS_ACTIVE, RUN_IDLE, GATES_PENDING, GATE_OLDEST):
        gauge.clear()
    for status, phase, count, idle in runs:
        RUNS_ACTIVE.labels(status, phase).set(count)
        RUN_IDLE.labels(status, phase).set(idle)
    for kind, count, oldest in gates:
        GATES_PENDING.labels(kind).set(count)
        GATE_OLDEST.labels(kind).set(oldest)
    QUEUE_DEPTH.set(depth)


async def installation_exposition(state: Any) -> bytes:
    """Sample the gauges (keeping the last values when that fails) and render them."""
    try:
        await asyncio.wait_for(_sample(state.sessions, state.jobs), SAMPLE_TIMEOUT_SECONDS)
        SAMPLE_ERRORS.set(0)
    except Exception as exc:  # any failure: stale gauges, flagged, and the reason logged
        log.warning("could not sample installation gauges", extra={"reason": repr(exc)})
        SAMPLE_ERRORS.set(1)
    return generate_latest(STATE)
