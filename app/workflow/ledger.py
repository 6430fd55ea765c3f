"""The token ledger: every model call's tokens and estimated cost, per run, phase and lesson
(chat calls belong to no run)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.workflow import metrics, repository
from app.workflow.models import AIUsage
from app.workflow.providers.base import Phase, Usage
from app.workflow.providers.pricing import PriceTable


async def record(
    session: AsyncSession,
    *,
    course_id: uuid.UUID,
    run_id: uuid.UUID | None,
    phase: Phase,
    usage: Sequence[Usage],
    prices: PriceTable,
    lesson_key: str | None = None,
) -> tuple[list[AIUsage], Decimal | None]:
    """Add one row per call; returns the rows and the run's new total cost (None: no run)."""
    rows = [
        AIUsage(
            course_id=course_id,
            run_id=run_id,
            phase=phase,
            lesson_key=lesson_key,
            model=call.model,
            prompt_tokens=call.prompt_tokens,
            completion_tokens=call.completion_tokens,
            cost_usd=prices.cost_usd(call),
        )
        for call in usage
    ]
    if not rows:
        return rows, None
    for row in rows:
        metrics.AI_TOKENS.labels(row.model, phase, "prompt").inc(row.prompt_tokens)
        metrics.AI_TOKENS.labels(row.model, phase, "completion").inc(row.completion_tokens)
        metrics.AI_COST.labels(row.model, phase).inc(float(row.cost_usd))
    session.add_all(rows)
    if run_id is None:
        await session.flush()
        return rows, None
    cost = sum((r.cost_usd for r in rows), Decimal(0))
    return rows, await repository.add_run_cost(session, run_id, cost)
