from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = Field(description="json, markdown, html (and the formats listed by GET)")


class ExportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    course_id: uuid.UUID
    format: str
    status: str
    is_draft: bool
    size_bytes: int | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class DownloadLink(BaseModel):
    url: str
    expires_at: datetime
    filename: str
