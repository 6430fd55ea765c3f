from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, WebSocket

from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.courses.dependencies import CanReadCourse
from app.realtime import service, socket
from app.realtime.protocol import MAX_SEQ
from app.realtime.schemas import EventPage

router = APIRouter(tags=["events"])
MAX_EVENTS_PAGE = 500


@router.get(f"{API_PREFIX}/courses/{{course_id}}/events")
async def list_events(
    access: CanReadCourse,
    session: SessionDep,
    after_seq: Annotated[int, Query(ge=0, le=MAX_SEQ, description="Last seq you have")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_EVENTS_PAGE)] = 100,
) -> EventPage:
    """The course's event log after a seq, oldest first: for clients without a socket."""
    return await service.list_events(session, access, after_seq, limit)


@router.websocket(f"{API_PREFIX}/ws")
async def events_socket(websocket: WebSocket) -> None:
    """Live events and chat. Authentication is the first message, not a dependency: a
    browser cannot set headers on a WebSocket, and a token in the URL would be logged."""
    await socket.serve(websocket)
