"""Process-wide realtime objects on app.state, and publishing after the request commits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.after_commit import after_commit
from app.core.db import SessionDep
from app.core.redis import Keys
from app.realtime.connection import Limits
from app.realtime.events import publish
from app.realtime.hub import EventHub
from app.realtime.models import WorkflowEvent

log = logging.getLogger("courzly.realtime")


def event_hub(state: Any) -> EventHub:
    """The process's hub; created on first use when the app's lifespan did not make one."""
    hub: EventHub | None = getattr(state, "event_hub", None)
    if hub is None:
        hub = EventHub(state.redis, state.keys)
        state.event_hub = hub
    return hub


def limits(state: Any) -> Limits:
    found: Limits = getattr(state, "realtime_limits", None) or Limits()
    return found


async def publish_quietly(redis: Redis, keys: Keys, events: list[WorkflowEvent]) -> None:
    """The events are committed; a failed publish only delays them until the next event
    of the course (a gap makes subscribers read the log) or the client's resume."""
    try:
        await publish(redis, keys, events)
    except Exception as exc:
        log.warning("could not publish events", extra={"reason": repr(exc)})


@dataclass(frozen=True)
class Publisher:
    session: AsyncSession
    redis: Redis
    keys: Keys

    def after_commit(self, events: list[WorkflowEvent]) -> None:
        """Publish once the request's transaction has committed; dropped on rollback."""
        if events:
            after_commit(self.session, lambda: publish_quietly(self.redis, self.keys, events))


async def _publisher(request: Request, session: SessionDep) -> Publisher:
    state = request.app.state
    return Publisher(session, state.redis, state.keys)


PublisherDep = Annotated[Publisher, Depends(_publisher)]
