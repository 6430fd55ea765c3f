from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.core.schemas import (
    LongText,
    Name,
    PatchModel,
    RequestModel,
    ResponseModel,
    ShortText,
    check_multiline_text,
)
from app.lessons.models import LessonStatus, RevisionSource

Objectives = Annotated[list[ShortText], Field(max_length=30)]
# Lesson bodies are editor HTML; exports sanitize it (see the export issue).
LessonContent = Annotated[
    str, StringConstraints(max_length=500_000), AfterValidator(check_multiline_text)
]


class ModuleCreate(RequestModel):
    title: Name
    summary: LongText = ""
    objectives: Objectives = []


class LessonCreate(RequestModel):
    title: Name
    objectives: Objectives = []
    content: LessonContent = ""


class LessonUpdate(PatchModel):
    title: Name | None = None
    objectives: Objectives | None = None
    content: LessonContent | None = None
    version: Annotated[int, Field(ge=1)] | None = None


class LessonRead(ResponseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    module_id: uuid.UUID
    position: int
    title: str
    objectives: list[str]
    content: str
    status: LessonStatus
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class LessonOutline(ResponseModel):
    id: uuid.UUID
    workflow_key: str | None = Field(
        None, description="The run's key for it (m1-l2) when a workflow wrote it"
    )
    position: int
    title: str
    objectives: list[str]
    status: LessonStatus
    version: int
    deleted_at: datetime | None


class ModuleRead(ResponseModel):
    id: uuid.UUID
    position: int
    title: str
    summary: str
    objectives: list[str]
    lessons: list[LessonOutline] = []


class RevisionRead(ResponseModel):
    id: uuid.UUID
    version: int
    title: str
    objectives: list[str]
    content: str
    source: RevisionSource
    author_id: uuid.UUID | None
    created_at: datetime
