"""Workflow, review and AI metrics on the app's registry: served at /metrics by the API, and
by each worker on its own port (WORKER_METRICS_PORT). Labels are bounded: statuses, gate
kinds, decisions, phases, configured model names and failure reasons, never ids."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram
from sqlalchemy import event

from app.core.metrics import REGISTRY
from app.workflow.models import WorkflowRun

RUNS = Counter(
    "courzly_workflow_runs_total",
    "Workflow runs reaching a status (queued, running, waiting, succeeded, failed, cancelled).",
    ["status"],
    registry=REGISTRY,
)
GATE_WAIT = Histogram(
    "courzly_review_gate_wait_seconds",
    "How long a review gate waited for its decision, by gate kind.",
    ["kind"],
    buckets=(60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400),
    registry=REGISTRY,
)
DECISIONS = Counter(
    "courzly_review_decisions_total",
    "Review decisions by gate kind and decision (approve, edit, reject).",
    ["kind", "decision"],
    registry=REGISTRY,
)
AI_CALL_SECONDS = Histogram(
    "courzly_ai_call_duration_seconds",
    "AI provider calls (each attempt), by model and phase.",
    ["model", "phase"],
    buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160),
    registry=REGISTRY,
)
AI_TOKENS = Counter(
    "courzly_ai_tokens_total",
    "Tokens paid for, by model, phase and kind (prompt, completion).",
    ["model", "phase", "kind"],
    registry=REGISTRY,
)
AI_COST = Counter(
    "courzly_ai_cost_usd_total",
    "AI cost in US dollars by model and phase (the configured price table).",
    ["model", "phase"],
    registry=REGISTRY,
)
AI_ERRORS = Counter(
    "courzly_ai_errors_total",
    "AI steps that failed, by reason (refused, unavailable, broken_stream, invalid_answer).",
    ["phase", "reason"],
    registry=REGISTRY,
)
AI_RETRIES = Counter(
    "courzly_ai_retries_total",
    "AI calls retried after a transient failure (rate limit, server error, timeout).",
    ["phase"],
    registry=REGISTRY,
)


def phase_of(task: str) -> str:
    """The phase a provider task belongs to: 'lesson m1-l2' -> 'lesson'."""
    return task.split(" ", 1)[0]


@event.listens_for(WorkflowRun.status, "set")
def _count_status(target: Any, value: Any, old: Any, initiator: Any) -> None:
    # Every status change goes through this attribute, whichever module makes it.
    if value is not None and value != old:
        RUNS.labels(str(getattr(value, "value", value))).inc()
