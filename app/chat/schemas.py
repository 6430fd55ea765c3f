from __future__ import annotations

import uuid
from datetime import datetime

from app.chat.models import ChatRole, SuggestionStatus
from app.core.schemas import ResponseModel
from app.lessons.schemas import LessonRead


class ChatMessageRead(ResponseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None
    user_id: uuid.UUID | None
    role: ChatRole
    content: str
    created_at: datetime


class SuggestionRead(ResponseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID
    message_id: uuid.UUID | None
    base_version: int
    content: str
    diff: str  # unified diff from the lesson at base_version to `content`
    status: SuggestionStatus
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    created_at: datetime


class SuggestionAccepted(ResponseModel):
    suggestion: SuggestionRead
    lesson: LessonRead
