from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.integrations.models import SyncStatus

FolderId = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class DriveStatus(BaseModel):
    configured: bool = Field(description="Whether this server has a Google OAuth client")
    connected: bool
    needs_reconnect: bool = False
    account_email: str | None = None
    connected_at: datetime | None = None
    folder_id: str | None = None
    folder_name: str | None = None


class ConnectStarted(BaseModel):
    authorization_url: str = Field(description="Open this in the browser (a full page load)")


class FolderRead(BaseModel):
    id: str
    name: str
    web_view_link: str | None


class FolderPage(BaseModel):
    folders: list[FolderRead]
    next_page_token: str | None


class FolderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)


class FolderChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    folder_id: str = FolderId


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    folder_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Unset: the folder chosen in your Drive settings",
    )
    keep_synced: bool = Field(
        False, description="Also send every later export of this course and format"
    )


class DriveSyncRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    course_id: uuid.UUID
    format: str
    folder_id: str
    folder_name: str
    export_id: uuid.UUID | None
    keep_synced: bool
    status: SyncStatus
    file_id: str | None
    file_name: str | None
    web_link: str | None
    error: str | None
    synced_at: datetime | None
    updated_at: datetime
