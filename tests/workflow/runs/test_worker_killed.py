"""SIGKILL the worker in the middle of lesson generation: another worker finishes the run,
with no lesson lost and none duplicated. Real worker processes, the real `openai` client
against the fake server over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import func, select

from app.config import Settings
from app.core.permissions import Role
from app.lessons.models import Lesson, LessonRevision
from app.realtime.models import WorkflowEvent
from tests.factories import Factory
from tests.fakes.openai_server import FakeOpenAI
from tests.workers import settings_env, worker_process
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at

LESSONS = 6


async def _events(factory: Factory, course_id: object, event_type: str) -> list[dict[str, object]]:
    async with factory.sessions() as session:
        query = select(WorkflowEvent.payload).where(
            WorkflowEvent.course_id == course_id, WorkflowEvent.type == event_type
        )
        return list(await session.scalars(query))


async def _wait_for(factory: Factory, course_id: object, event_type: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(await _events(factory, course_id, event_type)) < count:
        assert time.monotonic() < deadline, f"no {count} {event_type} events in time"
        await asyncio.sleep(0.05)


async def test_a_killed_worker_s_run_is_finished_by_another(
    client: httpx.AsyncClient,
    factory: Factory,
    settings: Settings,
    fake_openai: FakeOpenAI,
    tmp_path: Path,
) -> None:
    fake_openai.latency = 1.0
    env = settings_env(
        settings,
        **{k: str(v) for k, v in fake_openai.settings_overrides().items()},
        WORKER_HEARTBEAT_SECONDS="2",
        WORKFLOW_LESSON_CONCURRENCY="2",
        LOG_LEVEL="INFO",
    )
    editor = await factory.user(Role.EDITOR)
    reviewer = await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))

    with worker_process(env, tmp_path / "a.log") as first:
        run_id = await runs.start(as_editor, modules=2, lessons_per_module=3)
        state = await runs.wait(run_id, as_editor, waiting_at("outline"), seconds=60)
        decided = await runs.decide(
            run_id, pending(state, "outline")[0]["id"], as_reviewer, decision="approve"
        )
        assert decided.status_code == 201
        await _wait_for(factory, course.id, "lesson.started", 1)
        with worker_process(env, tmp_path / "b.log"):
            await asyncio.sleep(0.5)  # the second worker is up, the first holds the job
            ready_before_kill = len(await _events(factory, course.id, "lesson.ready"))
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            assert ready_before_kill < LESSONS, "the kill came after generation had ended"
            state = await runs.wait(run_id, as_editor, waiting_at("lesson", LESSONS), seconds=90)

    gates = pending(state, "lesson")
    assert sorted(Counter(g["lesson_key"] for g in gates).values()) == [1] * LESSONS
    async with factory.sessions() as session:
        keys = list(
            await session.scalars(select(Lesson.workflow_key).where(Lesson.course_id == course.id))
        )
        revisions = (
            await session.execute(
                select(Lesson.workflow_key, func.count(LessonRevision.id))
                .join(LessonRevision, LessonRevision.lesson_id == Lesson.id)
                .where(Lesson.course_id == course.id, LessonRevision.source == "ai")
                .where(LessonRevision.content != "")
                .group_by(Lesson.workflow_key)
            )
        ).all()
        contents = list(
            await session.scalars(select(Lesson.content).where(Lesson.course_id == course.id))
        )
    assert sorted(keys) == sorted(g["lesson_key"] for g in gates)
    assert all(contents), "a lesson was left without text"
    # The fake answers deterministically, so a lesson drafted again after the kill has the
    # same text and leaves no second revision.
    assert {key: count for key, count in revisions} == {key: 1 for key in keys}
