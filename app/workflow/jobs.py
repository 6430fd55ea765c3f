"""The workflow's jobs. `workflow.advance` is queued when a run starts, when a decision is
made and by the housekeeping sweep; any number of them for one run are harmless."""

from __future__ import annotations

import uuid

from app.core.jobs import JobContext, job
from app.workflow import engine


@job("workflow.advance")
async def advance_run(ctx: JobContext, *, run_id: str) -> None:
    await engine.advance(ctx, uuid.UUID(run_id))
