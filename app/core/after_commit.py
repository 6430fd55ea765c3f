"""Side effects that must follow a commit, never precede it: publishing events, enqueueing
jobs. Registered on the session; run after a successful commit, dropped on rollback.

They run as tasks, since SQLAlchemy's commit hook is synchronous. A lost task (the process
dies right after the commit) is caught up by the worker's housekeeping sweep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger("courzly.after_commit")
Action = Callable[[], Awaitable[object]]
_KEY = "courzly_after_commit"
_running: set[asyncio.Task[None]] = set()  # strong references, so tasks are not collected


def after_commit(session: AsyncSession, action: Action) -> None:
    session.sync_session.info.setdefault(_KEY, []).append(action)


async def _run(action: Action) -> None:
    try:
        await action()
    except Exception:
        log.exception("an after-commit action failed")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    actions: list[Action] = session.info.pop(_KEY, [])
    if not actions:
        return
    loop = asyncio.get_running_loop()
    for action in actions:
        task = loop.create_task(_run(action))
        _running.add(task)
        task.add_done_callback(_running.discard)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)


async def drain() -> None:
    """Wait for pending actions (tests, shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
