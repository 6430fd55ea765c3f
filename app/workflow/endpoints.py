from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from app.auth.dependencies import CurrentUser
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.core.pagination import Page, PageDep
from app.workflow import progress, reviews_queue, service, sources
from app.workflow.dependencies import CanDecide, CanReadRuns, CanStartRuns, OutboxDep, RuntimeDep
from app.workflow.models import GateKind
from app.workflow.providers.pricing import CostEstimate, estimate_run
from app.workflow.schemas import (
    CheckpointRead,
    DecisionCreate,
    ForkCreate,
    GateRead,
    RunRead,
    RunStart,
    RunState,
    SourceText,
)

router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}/runs", tags=["workflow"])
reviews_router = APIRouter(prefix=f"{API_PREFIX}/reviews", tags=["workflow"])
sources_router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}/sources", tags=["workflow"])
progress_router = APIRouter(prefix=f"{API_PREFIX}/progress", tags=["workflow"])


@router.post("/estimate")
async def estimate(body: RunStart, access: CanStartRuns, settings: SettingsDep) -> CostEstimate:
    """What a run of this brief is expected to cost, before starting it."""
    service.check_source(body.brief, settings)
    return estimate_run(body.brief, settings)


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def start_run(
    body: RunStart,
    access: CanStartRuns,
    session: SessionDep,
    settings: SettingsDep,
    outbox: OutboxDep,
) -> RunRead:
    return RunRead.model_validate(
        await service.start_run(session, access, body.brief, settings, outbox)
    )


@router.get("")
async def list_runs(access: CanReadRuns, session: SessionDep) -> list[RunRead]:
    return [RunRead.model_validate(r) for r in await service.list_runs(session, access)]


@router.get("/{run_id}")
async def get_run(
    run_id: uuid.UUID, access: CanReadRuns, session: SessionDep, runtime: RuntimeDep
) -> RunState:
    return await service.run_state(session, access, run_id, runtime)


@router.post("/{run_id}/gates/{gate_id}/decision")
async def decide(
    run_id: uuid.UUID,
    gate_id: uuid.UUID,
    body: DecisionCreate,
    access: CanDecide,
    session: SessionDep,
    outbox: OutboxDep,
    response: Response,
) -> GateRead:
    """201 when the decision is taken, 200 when the same decision was already taken."""
    gate, taken = await service.decide(session, access, run_id, gate_id, body, outbox)
    response.status_code = status.HTTP_201_CREATED if taken else status.HTTP_200_OK
    return GateRead.model_validate(gate)


@router.post("/{run_id}/cancel")
async def cancel(
    run_id: uuid.UUID, access: CanStartRuns, session: SessionDep, outbox: OutboxDep
) -> RunRead:
    return RunRead.model_validate(await service.cancel(session, access, run_id, outbox))


@router.post("/{run_id}/retry", status_code=status.HTTP_202_ACCEPTED)
async def retry(
    run_id: uuid.UUID, access: CanStartRuns, session: SessionDep, outbox: OutboxDep
) -> RunRead:
    return RunRead.model_validate(await service.retry(session, access, run_id, outbox))


@router.get("/{run_id}/checkpoints")
async def checkpoints(
    run_id: uuid.UUID, access: CanReadRuns, session: SessionDep, runtime: RuntimeDep
) -> list[CheckpointRead]:
    return await service.checkpoints(session, access, run_id, runtime)


@router.post("/{run_id}/fork", status_code=status.HTTP_202_ACCEPTED)
async def fork(
    run_id: uuid.UUID,
    body: ForkCreate,
    access: CanStartRuns,
    session: SessionDep,
    runtime: RuntimeDep,
    outbox: OutboxDep,
) -> RunRead:
    run = await service.fork(session, access, run_id, body.checkpoint_id, runtime, outbox)
    return RunRead.model_validate(run)


@reviews_router.get("/pending")
async def pending_reviews(
    user: CurrentUser,
    session: SessionDep,
    page: PageDep,
    course_id: uuid.UUID | None = None,
    kind: Annotated[GateKind | None, Query(description="outline, lesson or final")] = None,
) -> Page[GateRead]:
    """The reviewers' queue across every course the caller can read."""
    return await reviews_queue.pending(session, user, page, course_id, kind)


@progress_router.get("")
async def course_progress(
    user: CurrentUser,
    session: SessionDep,
    course_id: Annotated[
        list[uuid.UUID],
        Query(min_length=1, max_length=progress.MAX_COURSES, description="Repeat per course"),
    ],
) -> list[progress.CourseProgress]:
    """Where each course's workflow stands (latest run, lessons approved, reviews waiting),
    for a page of the courses dashboard; courses the caller cannot read are left out."""
    return await progress.progress(session, user, course_id)


@sources_router.post("", status_code=status.HTTP_201_CREATED)
async def upload_source(
    access: CanStartRuns,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description=".md, .txt or .pdf")],
) -> SourceText:
    """Text from a file, for a brief's `source_material` (nothing is stored)."""
    data = await file.read(settings.max_source_bytes + 1)
    # PDF parsing is CPU work: off the event loop, so other requests and sockets go on.
    return await run_in_threadpool(
        sources.extract, file.filename or "source", data, settings.max_source_bytes
    )
