"""A user's Google Drive connection (tokens sealed at rest) and the Drive file each course
export format is kept in, so a later export updates the same file."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, TimestampMixin, new_id, utcnow


class GoogleConnection(Base):
    __tablename__ = "google_connections"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    account_email: Mapped[str] = mapped_column(String(254))
    access_token_sealed: Mapped[str] = mapped_column(Text)
    refresh_token_sealed: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime]
    scope: Mapped[str] = mapped_column(Text)
    # Where "Sync to Drive" puts files unless the request names another folder.
    folder_id: Mapped[str | None] = mapped_column(String(128))
    folder_name: Mapped[str | None] = mapped_column(String(255))
    connected_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
    # Set when Google stopped accepting the refresh token: the user must connect again.
    revoked_at: Mapped[datetime | None]


class SyncStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SYNCED = "synced"
    FAILED = "failed"


class DriveSync(TimestampMixin, Base):
    __tablename__ = "drive_syncs"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "format", "folder_id"),
        Index("ix_drive_syncs_course_format", "course_id", "format"),
        Index("ix_drive_syncs_queued", "updated_at", postgresql_where=text("status = 'queued'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(30))
    folder_id: Mapped[str] = mapped_column(String(128))
    folder_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    export_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("exports.id", ondelete="SET NULL")
    )
    # On: every later finished export of this course and format goes to the same file.
    keep_synced: Mapped[bool] = mapped_column(default=False, server_default="false")
    status: Mapped[SyncStatus] = mapped_column(
        enum_column(SyncStatus, "drive_sync_status"), default=SyncStatus.QUEUED
    )
    # The Drive file this course and format live in; later syncs update it in place.
    file_id: Mapped[str | None] = mapped_column(String(128))
    # The id Google generated for the file a create will make, kept before the create is
    # sent: a retried create reuses it, so Google answers 409 (it exists) rather than
    # making a second file. Cleared once the file is stored as `file_id`.
    pending_file_id: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(255))
    web_link: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime | None]
