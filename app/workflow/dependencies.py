"""Dependencies of the workflow routes: who may act on runs, and the process's resources."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.core.db import SessionDep
from app.core.permissions import Permission
from app.courses.dependencies import course_access
from app.courses.service import CourseAccess
from app.workflow.runtime import WorkflowRuntime
from app.workflow.service import Outbox

CanStartRuns = Annotated[CourseAccess, Depends(course_access(Permission.RUN_START))]
CanDecide = Annotated[CourseAccess, Depends(course_access(Permission.REVIEW_DECIDE))]
CanReadRuns = Annotated[CourseAccess, Depends(course_access(Permission.COURSE_READ))]


async def _runtime(request: Request) -> WorkflowRuntime:
    runtime: WorkflowRuntime = request.app.state.workflow
    return runtime


async def _outbox(request: Request, session: SessionDep) -> Outbox:
    state = request.app.state
    return Outbox(session, state.redis, state.keys, state.jobs)


RuntimeDep = Annotated[WorkflowRuntime, Depends(_runtime)]
OutboxDep = Annotated[Outbox, Depends(_outbox)]
