from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.chat import service
from app.chat.models import SuggestionStatus
from app.chat.schemas import ChatMessageRead, SuggestionAccepted, SuggestionRead
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.courses.dependencies import CanEditLessons, CanReadCourse
from app.realtime.dependencies import PublisherDep

router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}", tags=["chat"])


@router.get("/chat/messages")
async def list_messages(
    access: CanReadCourse, session: SessionDep, page: PageDep, lesson_id: uuid.UUID | None = None
) -> Page[ChatMessageRead]:
    """Newest first. Messages are sent over the WebSocket (`chat.send`)."""
    items, total = await service.list_messages(session, access, lesson_id, page)
    return Page(items=items, page=page.page, page_size=page.page_size, total=total)


@router.get("/suggestions")
async def list_suggestions(
    access: CanReadCourse,
    session: SessionDep,
    page: PageDep,
    status: SuggestionStatus | None = None,
    lesson_id: uuid.UUID | None = None,
) -> Page[SuggestionRead]:
    items, total = await service.list_suggestions(session, access, status, lesson_id, page)
    return Page(items=items, page=page.page, page_size=page.page_size, total=total)


@router.post("/suggestions/{suggestion_id}/accept")
async def accept_suggestion(
    suggestion_id: uuid.UUID,
    access: CanEditLessons,
    session: SessionDep,
    publisher: PublisherDep,
) -> SuggestionAccepted:
    accepted, announced = await service.accept_suggestion(session, access, suggestion_id)
    publisher.after_commit(announced)
    return accepted


@router.post("/suggestions/{suggestion_id}/reject")
async def reject_suggestion(
    suggestion_id: uuid.UUID,
    access: CanEditLessons,
    session: SessionDep,
    publisher: PublisherDep,
) -> SuggestionRead:
    rejected, event = await service.reject_suggestion(session, access, suggestion_id)
    publisher.after_commit([event])
    return rejected
