"""A whole run through the API with the offline writer and an in-process worker: gates,
rejections that redraft only what was rejected, and the final approval."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from app.config import Settings
from app.core.permissions import Role
from app.courses.models import Course, CourseStatus
from app.lessons.models import Lesson, LessonRevision, QuizItem
from app.realtime.models import WorkflowEvent
from tests.factories import Factory
from tests.workers import running_worker
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at


async def _count(factory: Factory, model: type, *where: object) -> int:
    async with factory.sessions() as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(await session.scalar(query) or 0)


async def test_a_run_from_brief_to_final_approval(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    editor = await factory.user(Role.EDITOR)
    reviewer = await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))

    async with running_worker(settings):
        run_id = await runs.start(as_editor)
        state = await runs.wait(run_id, as_editor, waiting_at("outline"))
        assert state["run"]["offline"] is True
        assert "offline draft" in state["outline"]["modules"][0]["summary"].lower()
        outline_gate = pending(state, "outline")[0]

        # Reject the outline: a second outline arrives, with the feedback in the history.
        response = await runs.decide(
            run_id, outline_gate["id"], as_reviewer, decision="reject", feedback="More practice"
        )
        assert response.status_code == 201, response.text
        state = await runs.wait(
            run_id, as_editor, lambda s: waiting_at("outline")(s) and len(s["gates"]) == 2
        )
        assert state["outline_feedback"] == ["More practice"]
        outline_gate = pending(state, "outline")[0]
        assert outline_gate["round"] == 2

        response = await runs.decide(run_id, outline_gate["id"], as_reviewer, decision="approve")
        assert response.status_code == 201
        state = await runs.wait(run_id, as_editor, waiting_at("lesson", 4))
        lesson_gates = pending(state, "lesson")
        assert sorted(g["lesson_key"] for g in lesson_gates) == ["m1-l1", "m1-l2", "m2-l1", "m2-l2"]

        # Approve three lessons, reject one: only that one is drafted again.
        rejected = lesson_gates[0]
        for gate in lesson_gates[1:]:
            decided = await runs.decide(run_id, gate["id"], as_reviewer, decision="approve")
            assert decided.status_code == 201
        decided = await runs.decide(
            run_id, rejected["id"], as_reviewer, decision="reject", feedback="Add an example"
        )
        assert decided.status_code == 201
        state = await runs.wait(
            run_id,
            as_editor,
            lambda s: any(g["round"] == 2 for g in pending(s, "lesson")),
        )
        again = pending(state, "lesson")
        assert [g["lesson_key"] for g in again] == [rejected["lesson_key"]]
        assert state["lessons"][rejected["lesson_key"]]["feedback"] == ["Add an example"]

        await runs.decide(run_id, again[0]["id"], as_reviewer, decision="approve")
        state = await runs.wait(run_id, as_editor, waiting_at("final"))
        alignment = state["alignment"]
        assert [row["objective"] for row in alignment["objectives"]] == list(
            state["run"] and (await _brief_objectives(factory, course.id))
        )
        final = pending(state, "final")[0]
        await runs.decide(run_id, final["id"], as_reviewer, decision="approve")
        state = await runs.wait(run_id, as_editor, lambda s: s["run"]["status"] == "succeeded")

    assert state["run"]["phase"] == "ready"
    async with factory.sessions() as session:
        refreshed = await session.get(Course, course.id)
        assert refreshed is not None
        assert refreshed.status is CourseStatus.APPROVED
    assert await _count(factory, Lesson, Lesson.course_id == course.id) == 4
    assert await _count(factory, QuizItem, QuizItem.course_id == course.id) > 0
    # One AI revision per draft: three lessons drafted once, the rejected one twice.
    rows = await _revisions_by_key(factory, course.id)
    assert rows[rejected["lesson_key"]] == 2
    assert sorted(v for k, v in rows.items() if k != rejected["lesson_key"]) == [1, 1, 1]
    types = await _event_types(factory, course.id)
    for expected in (
        "run.started",
        "run.phase",
        "lesson.tokens",
        "lesson.ready",
        "review.requested",
        "review.decided",
        "quiz.ready",
        "run.succeeded",
    ):
        assert expected in types


async def _brief_objectives(factory: Factory, course_id: object) -> list[str]:
    async with factory.sessions() as session:
        course = await session.get(Course, course_id)
        assert course is not None
        return list(course.brief["objectives"])


async def _revisions_by_key(factory: Factory, course_id: object) -> dict[str, int]:
    async with factory.sessions() as session:
        query = (
            select(Lesson.workflow_key, func.count(LessonRevision.id))
            .join(LessonRevision, LessonRevision.lesson_id == Lesson.id)
            .where(Lesson.course_id == course_id, LessonRevision.source == "ai")
            .where(LessonRevision.content != "")
            .group_by(Lesson.workflow_key)
        )
        return {key: count for key, count in (await session.execute(query)).all()}


async def _event_types(factory: Factory, course_id: object) -> list[str]:
    async with factory.sessions() as session:
        query = select(WorkflowEvent.type).where(WorkflowEvent.course_id == course_id)
        return list(await session.scalars(query.order_by(WorkflowEvent.seq)))


@pytest.mark.parametrize("decision", ["approve", "reject"])
async def test_a_decision_on_a_gate_that_is_not_pending_is_a_conflict(
    client: httpx.AsyncClient, factory: Factory, settings: Settings, decision: str
) -> None:
    editor = await factory.user(Role.EDITOR)
    reviewer = await factory.user(Role.REVIEWER)
    course = await factory.course(editor)
    as_editor, as_reviewer = await factory.headers(editor), await factory.headers(reviewer)
    runs = RunDriver(client, str(course.id))
    async with running_worker(settings):
        run_id = await runs.start(as_editor)
        state = await runs.wait(run_id, as_editor, waiting_at("outline"))
        gate = pending(state, "outline")[0]
        body = {"decision": decision, "feedback": "tighter" if decision == "reject" else ""}
        first = await runs.decide(run_id, gate["id"], as_reviewer, **body)
        again = await runs.decide(run_id, gate["id"], as_reviewer, **body)
        other = await runs.decide(
            run_id, gate["id"], as_reviewer, decision="reject", feedback="something else"
        )
    assert first.status_code == 201
    assert again.status_code == 200  # the same decision twice is taken once
    assert again.json()["id"] == gate["id"]
    assert other.status_code == 409
    assert other.json()["error"] == "gate_not_pending"
    assert await _count(factory, WorkflowEvent, WorkflowEvent.type == "review.decided") == 1


async def test_a_rejected_lesson_is_rewritten_while_the_others_still_wait(
    client: httpx.AsyncClient, factory: Factory, offline_worker: None
) -> None:
    """Each lesson is a loop of its own: a rejection is acted on at once, not when every
    other lesson of the course has been reviewed too; quizzes wait for all of them."""
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    as_editor = await factory.headers(editor)
    runs = RunDriver(client, str(course.id))
    run_id = await runs.start(as_editor, modules=1, lessons_per_module=3)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state, "outline")[0]["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", 3))
    first, *others = sorted(pending(state, "lesson"), key=lambda g: g["lesson_key"])

    await runs.decide(run_id, first["id"], as_editor, decision="reject", feedback="Shorter")
    state = await runs.wait(
        run_id, as_editor, lambda s: any(g["round"] == 2 for g in pending(s, "lesson"))
    )

    # Round 2 is there while the other two gates are still open, untouched.
    waiting = {g["lesson_key"]: g["round"] for g in pending(state, "lesson")}
    assert waiting == {first["lesson_key"]: 2, **{g["lesson_key"]: 1 for g in others}}
    assert state["lessons"][first["lesson_key"]]["rounds"] == 2
    assert state["lessons"][first["lesson_key"]]["feedback"] == ["Shorter"]
    assert state["run"]["phase"] == "lessons"

    for gate in pending(state, "lesson"):
        await runs.decide(run_id, gate["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("final"))
    assert {key: lesson["status"] for key, lesson in state["lessons"].items()} == {
        g["lesson_key"]: "approved" for g in [first, *others]
    }


async def test_approving_a_lesson_leaves_its_version_for_the_author_with_it_open(
    client: httpx.AsyncClient, factory: Factory, offline_worker: None
) -> None:
    """A review outcome is not an edit: the author's next autosave (If-Match: the version
    they loaded) must not be refused because a reviewer approved the lesson meanwhile."""
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    as_editor = await factory.headers(editor)
    runs = RunDriver(client, str(course.id))
    run_id = await runs.start(as_editor, modules=1, lessons_per_module=1)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state, "outline")[0]["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson"))
    lesson_url = f"/api/v1/courses/{course.id}/lessons/{state['lessons']['m1-l1']['lesson_id']}"
    loaded = (await client.get(lesson_url, headers=as_editor)).json()

    await runs.decide(run_id, pending(state, "lesson")[0]["id"], as_editor, decision="approve")
    await runs.wait(run_id, as_editor, waiting_at("final"))

    after = (await client.get(lesson_url, headers=as_editor)).json()
    assert (after["status"], after["version"]) == ("approved", loaded["version"])
    saved = await client.patch(
        lesson_url,
        json={"content": loaded["content"] + "\n\nOne more line."},
        headers={**as_editor, "If-Match": f'"{loaded["version"]}"'},
    )
    assert saved.status_code == 200, saved.text
