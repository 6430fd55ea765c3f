from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, TimestampMixin, new_id, utcnow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    WAITING = "waiting"  # at a review gate
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.WAITING)


class WorkflowRun(TimestampMixin, Base):
    """One pass of the course graph; its LangGraph thread id is the run id."""

    __tablename__ = "workflow_runs"
    __table_args__ = (
        Index("ix_workflow_runs_course_started", "course_id", "started_at"),
        Index("ix_workflow_runs_status", "status", "started_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "run_status"), default=RunStatus.QUEUED
    )
    phase: Mapped[str] = mapped_column(String(40), default="brief", server_default="brief")
    brief: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    offline: Mapped[bool] = mapped_column(default=False, server_default="false")
    # Runs are branches of a LangGraph thread: a fork shares its parent's thread and starts
    # from one of its checkpoints, so the parent's history stays intact.
    thread_id: Mapped[str] = mapped_column(String(64))
    head_checkpoint: Mapped[str | None] = mapped_column(String(64))
    parent_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflow_runs.id", ondelete="SET NULL")
    )
    forked_from_checkpoint: Mapped[str | None] = mapped_column(String(64))
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(12, 6), default=0, server_default="0")
    cancel_requested: Mapped[bool] = mapped_column(default=False, server_default="false")
    started_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class GateKind(StrEnum):
    OUTLINE = "outline"
    LESSON = "lesson"
    FINAL = "final"


class GateStatus(StrEnum):
    PENDING = "pending"  # waiting for a reviewer
    DECIDED = "decided"  # decision stored, the worker has not resumed the graph with it yet
    APPLIED = "applied"  # the graph has taken the decision
    CLOSED = "closed"  # the run ended (cancelled, failed, forked away) before a decision


class ReviewGate(TimestampMixin, Base):
    """One `interrupt()` of a run waiting for a human, and the decision that answers it."""

    __tablename__ = "review_gates"
    __table_args__ = (
        UniqueConstraint("run_id", "interrupt_id"),
        Index("ix_review_gates_pending", "status", "created_at"),
        Index("ix_review_gates_course", "course_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workflow_runs.id", ondelete="CASCADE"))
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    interrupt_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[GateKind] = mapped_column(enum_column(GateKind, "gate_kind"))
    lesson_key: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    round: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[GateStatus] = mapped_column(
        enum_column(GateStatus, "gate_status"), default=GateStatus.PENDING
    )
    decision: Mapped[str | None] = mapped_column(String(20))
    feedback: Mapped[str | None] = mapped_column(Text)
    edit: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]


class AIUsage(Base):
    """The token ledger: one row per model call (retries and repairs included)."""

    __tablename__ = "ai_usage"
    __table_args__ = (Index("ix_ai_usage_run", "run_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflow_runs.id", ondelete="CASCADE")
    )
    phase: Mapped[str] = mapped_column(String(20))
    lesson_key: Mapped[str | None] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(120))
    prompt_tokens: Mapped[int]
    completion_tokens: Mapped[int]
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(12, 6))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
