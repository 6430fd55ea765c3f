"""The course as every export format sees it: one versioned document, built once per export.

Lesson and quiz text arrive here already sanitized (app/exports/sanitize.py): renderers
trust `html` and never fetch anything; images are course assets carried in `assets`.
It is also the Course JSON format (`course.json`), which Courzly imports again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.core.schemas import storable

# Imported files are untrusted: every text must be storable (no NUL, no control characters).
Text = Annotated[str, AfterValidator(storable)]

SCHEMA_VERSION = "1.0"
SCHEMA_URI = "https://courzly.dev/schemas/course-export/1.0"


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class QuizItem(Frozen):
    key: Text = Field(max_length=30)  # "m1-q1"
    lesson_key: Text | None = Field(None, max_length=20)
    objective: Text
    question: Text
    choices: list[Text] = Field(min_length=2)
    answer_index: int = Field(ge=0)
    rationale: Text

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> QuizItem:
        if self.answer_index >= len(self.choices):
            raise ValueError("answer_index must point at one of the choices")
        return self


class Lesson(Frozen):
    key: Text = Field(max_length=20)  # "m1-l2", unique in the course
    title: Text = Field(min_length=1, max_length=200)
    objectives: list[Text]
    markdown: Text  # the lesson as stored (Markdown, possibly with allowed inline HTML)
    html: Text  # sanitized HTML rendered from `markdown`: what formats show


class Module(Frozen):
    key: Text = Field(max_length=20)  # "m1"
    title: Text = Field(min_length=1, max_length=200)
    summary: Text
    lessons: list[Lesson]
    quiz: list[QuizItem] = Field(default_factory=list)


class Asset(Frozen):
    """A course file (image) referenced from lesson HTML as `assets/<name>`."""

    name: Text
    media_type: Text
    data_base64: str


class CourseInfo(Frozen):
    id: uuid.UUID
    title: Text
    slug: Text
    language: Text
    audience: Text = ""
    level: Text = ""
    duration_minutes: int | None = None
    objectives: list[Text] = Field(default_factory=list)
    approved: bool  # finally approved by a reviewer; otherwise every format says "draft"


class CourseDocument(Frozen):
    schema_: Text = Field(SCHEMA_URI, alias="$schema")
    schema_version: Text = SCHEMA_VERSION
    exported_at: datetime
    course: CourseInfo
    modules: list[Module]
    assets: list[Asset] = Field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        return not self.course.approved

    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]
