"""Reading the course event log: REST pages and WebSocket replays."""

from __future__ import annotations

import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.courses.service import CourseAccess
from app.realtime import protocol, repository
from app.realtime.errors import AfterSeqAhead
from app.realtime.events import as_message
from app.realtime.schemas import EventPage, EventRead


async def head(session: AsyncSession, course_id: uuid.UUID) -> int:
    return await repository.head_seq(session, course_id) or 0


async def list_events(
    session: AsyncSession, access: CourseAccess, after_seq: int, limit: int
) -> EventPage:
    course_id = access.course.id
    newest = await head(session, course_id)
    if after_seq > newest:
        raise AfterSeqAhead(after_seq, newest)
    rows = await repository.events_after(session, course_id, after_seq, limit)
    items = [EventRead.model_validate(row) for row in rows]
    next_after = items[-1].seq if items else after_seq
    return EventPage(
        items=items, next_after_seq=next_after, head=newest, has_more=next_after < newest
    )


async def replay(
    session: AsyncSession, course_id: uuid.UUID, after_seq: int, limit: int
) -> list[tuple[int, str]]:
    """Events after `after_seq` as socket frames, the same text a live event would have."""
    rows = await repository.events_after(session, course_id, after_seq, limit)
    return [(row.seq, protocol.event_frame(orjson.dumps(as_message(row)).decode())) for row in rows]
