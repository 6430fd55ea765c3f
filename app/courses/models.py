from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, TimestampMixin, new_id, utcnow
from app.core.permissions import Role


class CourseStatus(StrEnum):
    DRAFT = "draft"
    GENERATING = "generating"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    ARCHIVED = "archived"


ACTIVE = text("deleted_at IS NULL")
DELETED = text("deleted_at IS NOT NULL")


class Course(TimestampMixin, Base):
    __tablename__ = "courses"
    # Title search also has a trigram index (ix_courses_title_trgm) where PostgreSQL offers
    # pg_trgm; it lives in the migrations only, since the embedded server lacks the extension.
    __table_args__ = (
        Index("uq_courses_slug_active", "slug", unique=True, postgresql_where=ACTIVE),
        Index("ix_courses_active_updated", "updated_at", "id", postgresql_where=ACTIVE),
        Index("ix_courses_active_created", "created_at", "id", postgresql_where=ACTIVE),
        Index("ix_courses_active_title", "title", "id", postgresql_where=ACTIVE),
        Index("ix_courses_status", "status", "updated_at", postgresql_where=ACTIVE),
        Index("ix_courses_owner_id", "owner_id", "updated_at"),
        Index("ix_courses_deleted_at", "deleted_at", postgresql_where=DELETED),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120))
    brief: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    language: Mapped[str] = mapped_column(String(35))
    status: Mapped[CourseStatus] = mapped_column(
        enum_column(CourseStatus, "course_status"), default=CourseStatus.DRAFT
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Last workflow_events.seq handed out for this course (see app/realtime/repository.py).
    event_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    deleted_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}


class CourseMember(Base):
    __tablename__ = "course_members"
    __table_args__ = (Index("ix_course_members_user_id", "user_id", "course_id"),)

    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "member_role"))
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
