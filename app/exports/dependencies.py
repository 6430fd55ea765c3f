from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.core.jobs import JobQueue
from app.core.permissions import Permission
from app.courses.dependencies import course_access
from app.courses.service import CourseAccess

CanExport = Annotated[CourseAccess, Depends(course_access(Permission.EXPORT_CREATE))]
CanDownload = Annotated[CourseAccess, Depends(course_access(Permission.COURSE_READ))]


async def _jobs(request: Request) -> JobQueue:
    jobs: JobQueue = request.app.state.jobs
    return jobs


JobsDep = Annotated[JobQueue, Depends(_jobs)]
