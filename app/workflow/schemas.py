"""What the workflow reads and writes: the brief, the outline, lessons and quizzes.

The `*Draft` models are what a model is asked to return (JSON schema, strict); keys and
positions are assigned by Courzly afterwards, so a model never invents identifiers.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.core.schemas import Name, ShortText, multi_line, storable

# Text from people and from models alike goes into PostgreSQL: no NUL, no control
# characters, no unpaired surrogates (a 422, or a repair round for a model, not a 500).
Text = Annotated[str, AfterValidator(multi_line)]
Verbatim = Annotated[str, AfterValidator(storable)]  # long text kept byte for byte
Objective = Annotated[
    str, StringConstraints(min_length=1, max_length=300), AfterValidator(multi_line)
]
SourceMaterial = Annotated[str, StringConstraints(max_length=5_000_000), AfterValidator(multi_line)]


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Brief(BaseModel):
    """The author's request. Source material is plain text (uploads are converted first)."""

    model_config = ConfigDict(extra="forbid")

    title: Name
    audience: ShortText = Field(min_length=1)
    level: Level = Level.BEGINNER
    duration_minutes: int = Field(60, ge=5, le=6000)
    language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)
    tone: ShortText = "friendly and precise"
    objectives: list[Objective] = Field(min_length=1, max_length=20)
    # Bounded by MAX_SOURCE_BYTES in the service (413 with the limit), not here.
    source_material: SourceMaterial = ""
    modules: int = Field(3, ge=1, le=12, description="How many modules to aim for")
    lessons_per_module: int = Field(3, ge=1, le=10)


class LessonDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=1, max_length=200)
    objectives: list[Objective] = Field(min_length=1, max_length=10)
    covers: list[int] = Field(
        default_factory=list, description="0-based indexes of the course objectives it serves"
    )


class ModuleDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=1, max_length=200)
    summary: Text = Field("", max_length=2000)
    lessons: list[LessonDraft] = Field(min_length=1, max_length=20)


class OutlineDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    modules: list[ModuleDraft] = Field(min_length=1, max_length=20)


class LessonPlan(LessonDraft):
    key: str  # "m1-l2": stable within a run, the upsert key of the lesson row


class ModulePlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str  # "m1"
    title: Text = Field(min_length=1, max_length=200)
    summary: Text = Field("", max_length=2000)
    lessons: list[LessonPlan] = Field(min_length=1, max_length=20)


class Outline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    modules: list[ModulePlan] = Field(min_length=1, max_length=20)

    @classmethod
    def from_draft(cls, draft: OutlineDraft) -> Outline:
        return cls(
            modules=[
                ModulePlan(
                    key=f"m{m}",
                    title=module.title,
                    summary=module.summary,
                    lessons=[
                        LessonPlan(key=f"m{m}-l{n}", **lesson.model_dump())
                        for n, lesson in enumerate(module.lessons, start=1)
                    ],
                )
                for m, module in enumerate(draft.modules, start=1)
            ]
        )

    def lessons(self) -> list[LessonPlan]:
        return [lesson for module in self.modules for lesson in module.lessons]

    def lesson(self, key: str) -> LessonPlan:
        for lesson in self.lessons():
            if lesson.key == key:
                return lesson
        raise KeyError(key)


class QuizItemDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lesson_key: str = Field(description="The key of the lesson this item assesses")
    objective: Objective = Field(description="The lesson objective it assesses, verbatim")
    question: Text = Field(min_length=1, max_length=1000)
    choices: list[Annotated[Text, StringConstraints(min_length=1, max_length=500)]] = Field(
        min_length=2, max_length=6
    )
    answer_index: int = Field(ge=0, description="0-based index of the correct choice")
    rationale: Text = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> QuizItemDraft:
        # The JSON schema cannot say this, so a model gets it wrong now and then; the
        # validation error goes back to it in the repair prompt.
        if self.answer_index >= len(self.choices):
            raise ValueError(
                f"answer_index {self.answer_index} is out of range for "
                f"{len(self.choices)} choices (0-based)"
            )
        return self


class QuizDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[QuizItemDraft] = Field(min_length=1, max_length=30)


class ChatReplyDraft(BaseModel):
    """A chat answer; `proposed_content` is a full replacement of the lesson's text."""

    model_config = ConfigDict(extra="forbid")

    reply: Verbatim = Field(min_length=1, max_length=20_000)
    proposed_content: Verbatim | None = Field(None, max_length=200_000)


class DecisionKind(StrEnum):
    APPROVE = "approve"
    EDIT = "edit"
    REJECT = "reject"


class LessonEdit(BaseModel):
    """A reviewer's edit of a lesson at its gate: saved as a revision, then approved."""

    model_config = ConfigDict(extra="forbid")

    title: Name | None = None
    objectives: list[Objective] | None = Field(None, min_length=1, max_length=10)
    content: Verbatim = Field(min_length=1, max_length=200_000)


class GateDecision(BaseModel):
    """What a gate's `interrupt()` returns: a stored decision, validated by the API."""

    model_config = ConfigDict(extra="forbid")

    decision: DecisionKind
    feedback: Text = Field("", max_length=10_000)
    outline: Outline | None = None  # edit at the outline gate
    lesson: LessonEdit | None = None  # edit at a lesson gate
    lesson_keys: list[str] = Field(default_factory=list)  # reject at the final gate
    decided_by: str | None = None


# --- API shapes -------------------------------------------------------------------------


class DecisionCreate(GateDecision):
    """A reviewer's decision. `decided_by` is set by the server, never by the client."""

    decided_by: None = Field(None, exclude=True)


class RunStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brief: Brief


class ForkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checkpoint_id: str = Field(min_length=1, max_length=64)


class RunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    course_id: uuid.UUID
    status: str
    phase: str
    offline: bool
    cost_usd: Decimal
    parent_run_id: uuid.UUID | None
    forked_from_checkpoint: str | None
    started_by: uuid.UUID | None
    started_at: datetime
    finished_at: datetime | None
    error: str | None


class GateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    run_id: uuid.UUID
    course_id: uuid.UUID
    kind: str
    lesson_key: str | None
    title: str
    round: int
    status: str
    decision: str | None
    feedback: str | None
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    created_at: datetime


class RunState(BaseModel):
    """Everything a run view shows: phases, gates, per-lesson status, cost, alignment."""

    run: RunRead
    gates: list[GateRead]
    outline: Outline | None
    outline_feedback: list[str]
    lessons: dict[str, dict[str, Any]]
    alignment: dict[str, Any] | None
    usage: list[dict[str, Any]]


class CheckpointRead(BaseModel):
    checkpoint_id: str
    parent_checkpoint_id: str | None
    step: int | None
    next: list[str]
    waiting_at: list[dict[str, Any]]  # the gates pending at this checkpoint
    created_at: str | None


class SourceText(BaseModel):
    """Text extracted from an uploaded .md/.txt/.pdf, to put in a brief's source_material."""

    filename: str
    bytes: int
    characters: int
    text: str
