"""What graph nodes may touch, handed to them as LangGraph's run context (never checkpointed).

Each helper opens a short transaction of its own and commits it: a node's writes are
idempotent upserts, so a node that runs again after a crash repeats them harmlessly.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.core.redis import Keys
from app.realtime import events
from app.realtime.events import EventType
from app.workflow import ledger, repository
from app.workflow.errors import RunCancelled
from app.workflow.providers.base import CourseWriter, Phase, Usage
from app.workflow.providers.pricing import PriceTable
from app.workflow.schemas import Brief

TOKEN_FLUSH_SECONDS = 0.15
TOKEN_FLUSH_CHARS = 400


@dataclass(frozen=True)
class WorkflowDeps:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    keys: Keys
    writer: CourseWriter
    brief: Brief  # the run's, fixed for its life
    prices: PriceTable
    run_id: uuid.UUID
    course_id: uuid.UUID

    async def emit(self, event_type: EventType, payload: dict[str, Any] | None = None) -> None:
        await events.emit(
            self.sessions, self.redis, self.keys, self.course_id, self.run_id, event_type, payload
        )

    async def set_phase(self, phase: str) -> None:
        await self.ensure_not_cancelled()
        async with self.sessions() as session:
            await repository.set_run(session, self.run_id, phase=phase)
            await session.commit()
        await self.emit(EventType.PHASE_CHANGED, {"phase": phase})

    async def ensure_not_cancelled(self) -> None:
        """Checked before every model call, so a cancel stops a run within one call."""
        async with self.sessions() as session:
            run = await repository.get_run(session, self.run_id)
        if run is None or run.cancel_requested:
            raise RunCancelled

    async def record_usage(
        self, phase: Phase, usage: Sequence[Usage], lesson_key: str | None = None
    ) -> None:
        """The ledger rows, the run's new total and its `run.cost` event in one transaction:
        the run row stays locked until the commit, so events of parallel steps carry totals
        in seq order, and the last one is always the run's cost."""
        async with self.sessions() as session:
            rows, total = await ledger.record(
                session,
                course_id=self.course_id,
                run_id=self.run_id,
                phase=phase,
                usage=usage,
                prices=self.prices,
                lesson_key=lesson_key,
            )
            if not rows:
                return
            payload = {
                "phase": phase,
                "lesson_key": lesson_key,
                "prompt_tokens": sum(r.prompt_tokens for r in rows),
                "completion_tokens": sum(r.completion_tokens for r in rows),
                "cost_usd": str(sum(r.cost_usd for r in rows)),
                "run_cost_usd": str(total),
            }
            event = await events.append(
                session, self.course_id, self.run_id, EventType.COST_UPDATED, payload
            )
            await session.commit()
        await events.publish(self.redis, self.keys, [event])


class TokenBatcher:
    """Streams text to subscribers in small batches: live enough to read along, without
    one event row per token. Each event is `fields` plus the chunk number and its text."""

    def __init__(self, deps: WorkflowDeps, event_type: EventType, fields: dict[str, Any]) -> None:
        self.deps, self.event_type, self.fields = deps, event_type, fields
        self.pending: list[str] = []
        self.size = 0
        self.last_flush = time.monotonic()
        self.chunks = 0
        self._lock = asyncio.Lock()

    async def __call__(self, token: str) -> None:
        self.pending.append(token)
        self.size += len(token)
        waited = time.monotonic() - self.last_flush
        if self.size >= TOKEN_FLUSH_CHARS or waited >= TOKEN_FLUSH_SECONDS:
            await self.flush()

    async def flush(self) -> None:
        async with self._lock:
            if not self.pending:
                return
            text, self.pending, self.size = "".join(self.pending), [], 0
            self.last_flush = time.monotonic()
            self.chunks += 1
            await self.deps.emit(
                self.event_type, {**self.fields, "chunk": self.chunks, "text": text}
            )


class AttemptBatcher:
    """A TokenBatcher per attempt of a structured answer: a retry or repair round starts a
    new text (its chunks numbered from 1 again), which listeners show instead of the last."""

    def __init__(self, deps: WorkflowDeps, event_type: EventType, fields: dict[str, Any]) -> None:
        self.deps, self.event_type, self.fields = deps, event_type, fields
        self.attempt = 0
        self.current: TokenBatcher | None = None

    async def __call__(self, attempt: int, token: str) -> None:
        if attempt != self.attempt or self.current is None:
            await self.flush()
            self.attempt = attempt
            fields = {**self.fields, "attempt": attempt}
            self.current = TokenBatcher(self.deps, self.event_type, fields)
        await self.current(token)

    async def flush(self) -> None:
        if self.current is not None:
            await self.current.flush()
