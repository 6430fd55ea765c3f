"""Edits at the gates: a reviewer's outline or lesson becomes the approved version, saved as
a human revision."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from app.core.permissions import Role
from app.lessons.models import Lesson, LessonRevision, LessonStatus
from tests.factories import Factory
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at

pytestmark = pytest.mark.usefixtures("offline_worker")


async def test_an_edited_outline_is_what_the_lessons_follow(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))

    outline = state["outline"]
    outline["modules"][0]["lessons"][0]["title"] = "Commits, explained by a human"
    outline["modules"][1]["lessons"].pop()  # three lessons instead of four
    response = await runs.decide(
        run_id, pending(state)[0]["id"], as_reviewer, decision="edit", outline=outline
    )
    assert response.status_code == 201, response.text
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 3))
    assert sorted(g["lesson_key"] for g in pending(state)) == ["m1-l1", "m1-l2", "m2-l1"]
    async with factory.sessions() as session:
        first = await session.scalar(
            select(Lesson).where(Lesson.course_id == course.id, Lesson.workflow_key == "m1-l1")
        )
        assert first is not None
        assert first.title == "Commits, explained by a human"
        sources = list(
            await session.scalars(
                select(LessonRevision.source)
                .where(LessonRevision.lesson_id == first.id)
                .order_by(LessonRevision.version)
            )
        )
    assert sources[0] == "human"  # the reviewer's outline created it


async def test_a_lesson_edited_at_its_gate_is_approved_as_written(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state)[0]["id"], as_reviewer, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 4))
    gate = pending(state)[0]

    edit = {"content": "# Rewritten\n\nBy the reviewer.", "title": "A better title"}
    response = await runs.decide(run_id, gate["id"], as_reviewer, decision="edit", lesson=edit)
    assert response.status_code == 201, response.text
    # The graph's state shows the approval once every lesson gate of the step is decided;
    # the gate and the lesson row show it as soon as the worker has taken the decision.
    await runs.wait(
        run_id,
        as_editor,
        lambda s: [g["status"] for g in s["gates"] if g["id"] == gate["id"]] == ["applied"],
    )
    async with factory.sessions() as session:
        lesson = await session.scalar(
            select(Lesson).where(
                Lesson.course_id == course.id, Lesson.workflow_key == gate["lesson_key"]
            )
        )
        assert lesson is not None
        latest = await session.scalar(
            select(LessonRevision)
            .where(LessonRevision.lesson_id == lesson.id)
            .order_by(LessonRevision.version.desc())
            .limit(1)
        )
    assert (lesson.content, lesson.title, lesson.status) == (
        edit["content"],
        edit["title"],
        LessonStatus.APPROVED,
    )
    assert latest is not None
    assert (latest.source, latest.author_id, latest.content) == (
        "human",
        reviewer.id,
        edit["content"],
    )


async def test_an_edit_must_carry_what_its_gate_edits(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, reviewer = await factory.user(Role.EDITOR), await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))
    run_id = await runs.start(as_editor)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    gate = pending(state)[0]["id"]
    lesson_at_outline = await runs.decide(
        run_id, gate, as_reviewer, decision="edit", lesson={"content": "x"}
    )
    assert lesson_at_outline.status_code == 422
    outline = state["outline"]
    outline["modules"][0]["key"] = "module-one"
    bad_keys = await runs.decide(run_id, gate, as_reviewer, decision="edit", outline=outline)
    assert bad_keys.status_code == 422
    assert "key" in bad_keys.json()["detail"].lower()
