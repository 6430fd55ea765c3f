from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.core.schemas import ResponseModel


class EventRead(ResponseModel):
    seq: int
    course_id: uuid.UUID
    run_id: uuid.UUID | None
    type: str
    payload: dict[str, Any]
    created_at: datetime


class EventPage(ResponseModel):
    items: list[EventRead]
    # Pass as after_seq for the next page; equal to the request's after_seq when empty.
    next_after_seq: int
    head: int  # the newest seq of the course when the page was read
    has_more: bool
