from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, new_id, utcnow


class ReviewTarget(StrEnum):
    OUTLINE = "outline"
    LESSON = "lesson"
    QUIZ = "quiz"
    COURSE = "course"


class Decision(StrEnum):
    APPROVED = "approved"
    EDITED = "edited"
    REJECTED = "rejected"


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_course_created", "course_id", "created_at"),
        Index("ix_reviews_target", "target_type", "target_id", "created_at"),
        Index("ix_reviews_reviewer", "reviewer_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    target_type: Mapped[ReviewTarget] = mapped_column(enum_column(ReviewTarget, "review_target"))
    target_id: Mapped[uuid.UUID]
    decision: Mapped[Decision] = mapped_column(enum_column(Decision, "review_decision"))
    feedback: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
