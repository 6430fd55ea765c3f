from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from app.core.permissions import Role
from app.core.schemas import LongText, Name, PatchModel, RequestModel, ResponseModel, ShortText
from app.courses.models import CourseStatus

Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]
# BCP 47 language tag, e.g. "en", "pt-BR", "zh-Hant".
Language = Annotated[
    str, StringConstraints(max_length=35, pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
]


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class CourseBrief(RequestModel):
    audience: ShortText = ""
    level: Level = Level.BEGINNER
    duration_minutes: Annotated[int, Field(ge=5, le=100_000)] = 60
    tone: ShortText = ""
    learning_objectives: Annotated[list[ShortText], Field(max_length=50)] = []
    source_material: LongText = ""


class CourseCreate(RequestModel):
    title: Name
    slug: Slug | None = None
    language: Language = "en"
    brief: CourseBrief = CourseBrief()


class CourseUpdate(PatchModel):
    title: Name | None = None
    slug: Slug | None = None
    language: Language | None = None
    brief: CourseBrief | None = None
    status: CourseStatus | None = None
    version: Annotated[int, Field(ge=1)] | None = None


class CourseSort(StrEnum):
    UPDATED_DESC = "-updated_at"
    UPDATED_ASC = "updated_at"
    CREATED_DESC = "-created_at"
    CREATED_ASC = "created_at"
    TITLE_ASC = "title"
    TITLE_DESC = "-title"


class CourseSummary(ResponseModel):
    id: uuid.UUID
    title: str
    slug: str
    language: str
    status: CourseStatus
    owner_id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class CourseRead(CourseSummary):
    brief: dict[str, Any]


class MemberUpsert(RequestModel):
    role: Role


class MemberRead(ResponseModel):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    added_at: datetime
