"""The job worker: takes jobs from Redis, runs each in its own transaction, survives bad ones."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app import worker
from app.auth.models import AuthSession
from app.core.db import utcnow
from app.core.permissions import Role
from tests.factories import Factory


async def _sessions(factory: Factory) -> int:
    async with factory.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuthSession)) or 0)


async def _add_session(factory: Factory, user_id: uuid.UUID, expires_in: timedelta) -> None:
    async with factory.sessions() as session:
        session.add(AuthSession(user_id=user_id, expires_at=utcnow() + expires_in))
        await session.commit()


async def test_housekeeping_purges_long_expired_sign_ins(factory: Factory) -> None:
    user = await factory.user(Role.VIEWER)
    await _add_session(factory, user.id, timedelta(days=-30))  # long gone
    await _add_session(factory, user.id, timedelta(days=-1))  # kept a week for the record
    await _add_session(factory, user.id, timedelta(days=1))  # live
    await worker.run_job(factory.sessions, '{"type": "housekeeping"}')
    assert await _sessions(factory) == 2


@pytest.mark.parametrize("raw", ["not json", '{"type": "no-such-job"}', "[1, 2]", '{"x": 1}'])
async def test_malformed_jobs_are_dropped(
    factory: Factory, raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="courzly.worker"):
        await worker.run_job(factory.sessions, raw)  # logs and returns; never raises
    assert [r.getMessage() for r in caplog.records] == ["dropped malformed job"]


async def test_a_failing_job_rolls_back_and_the_worker_goes_on(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await factory.user(Role.VIEWER)

    async def half_done(session: Any, payload: dict[str, Any]) -> None:
        session.add(AuthSession(user_id=user.id, expires_at=utcnow()))
        await session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(worker.HANDLERS, "half-done", half_done)
    await worker.run_job(factory.sessions, '{"type": "half-done"}')
    assert await _sessions(factory) == 0


async def test_serve_runs_enqueued_jobs(factory: Factory, app: Any) -> None:
    user = await factory.user(Role.VIEWER)
    await _add_session(factory, user.id, timedelta(days=-30))
    done = asyncio.Event()

    async def mark(session: Any, payload: dict[str, Any]) -> None:
        assert payload == {"n": 1}
        done.set()

    worker.HANDLERS["mark"] = mark
    task = asyncio.create_task(worker.serve(app.state.settings))
    try:
        await worker.enqueue(app.state.redis, app.state.keys, "mark", {"n": 1})
        await asyncio.wait_for(done.wait(), timeout=10)
        assert await _sessions(factory) == 0  # housekeeping ran at start-up too
    finally:
        task.cancel()
        del worker.HANDLERS["mark"]
        with pytest.raises(asyncio.CancelledError):
            await task
