from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, TimestampMixin, new_id, utcnow

# Rows the workflow writes carry the outline key ("m1", "m1-l2"): the upsert key that keeps
# a re-run node from creating duplicates.
KEYED = text("workflow_key IS NOT NULL")


class Module(TimestampMixin, Base):
    __tablename__ = "modules"
    __table_args__ = (
        Index("ix_modules_course_position", "course_id", "position"),
        Index(
            "uq_modules_workflow_key",
            "course_id",
            "workflow_key",
            unique=True,
            postgresql_where=KEYED,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    objectives: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    workflow_key: Mapped[str | None] = mapped_column(String(20))
    deleted_at: Mapped[datetime | None]


class LessonStatus(StrEnum):
    PENDING = "pending"
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"


class Lesson(TimestampMixin, Base):
    __tablename__ = "lessons"
    __table_args__ = (
        Index("ix_lessons_module_position", "module_id", "position"),
        Index("ix_lessons_course_id", "course_id", "status"),
        Index(
            "uq_lessons_workflow_key",
            "course_id",
            "workflow_key",
            unique=True,
            postgresql_where=KEYED,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    content: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[LessonStatus] = mapped_column(
        enum_column(LessonStatus, "lesson_status"), default=LessonStatus.PENDING
    )
    workflow_key: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    deleted_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}


class RevisionSource(StrEnum):
    HUMAN = "human"
    AI = "ai"
    RESTORE = "restore"


class LessonRevision(Base):
    """Full copy of a lesson after every content change: the history never loses a word."""

    __tablename__ = "lesson_revisions"
    __table_args__ = (UniqueConstraint("lesson_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    lesson_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[list[str]] = mapped_column(JSONB)
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[RevisionSource] = mapped_column(enum_column(RevisionSource, "revision_source"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))


class QuizItem(TimestampMixin, Base):
    """A multiple-choice item of a module's quiz, tied to the lesson objective it assesses."""

    __tablename__ = "quiz_items"
    __table_args__ = (
        Index("ix_quiz_items_module_position", "module_id", "position"),
        UniqueConstraint("course_id", "workflow_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    lesson_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL")
    )
    workflow_key: Mapped[str] = mapped_column(String(30))
    position: Mapped[int]
    objective: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSONB)
    answer_index: Mapped[int]
    rationale: Mapped[str] = mapped_column(Text)
