"""Does a decision fit its gate? Checked before it is stored, so a worker never resumes
the graph with something it would have to refuse."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.lessons import repository as lessons
from app.workflow.errors import InvalidDecision
from app.workflow.models import GateKind, ReviewGate, WorkflowRun
from app.workflow.schemas import DecisionCreate, DecisionKind, Outline

_MODULE_KEY = re.compile(r"^m[1-9][0-9]?$")
_LESSON_KEY = re.compile(r"^m[1-9][0-9]?-l[1-9][0-9]?$")


async def check_decision(
    session: AsyncSession, gate: ReviewGate, body: DecisionCreate, run: WorkflowRun
) -> dict[str, Any] | None:
    """Raise InvalidDecision (422) with the reason; return the edit to store, if any."""
    course_id = run.course_id
    if body.decision is DecisionKind.REJECT and not body.feedback.strip():
        raise InvalidDecision("A rejection needs feedback: it goes into the next draft's prompt.")
    if body.decision is DecisionKind.EDIT:
        return _edit(gate, body, len(run.brief.get("objectives", [])))
    if body.outline is not None or body.lesson is not None:
        raise InvalidDecision("Only an 'edit' decision carries an edited outline or lesson.")
    if gate.kind is GateKind.FINAL and body.decision is DecisionKind.REJECT:
        keys = sorted(set(body.lesson_keys))  # a lesson named twice is still drafted once
        await _check_lesson_keys(session, course_id, keys)
        return {"lesson_keys": keys}
    if body.lesson_keys:
        raise InvalidDecision("lesson_keys only apply to a rejection at the final gate.")
    return None


def _edit(gate: ReviewGate, body: DecisionCreate, objectives: int) -> dict[str, Any]:
    if gate.kind is GateKind.OUTLINE:
        if body.outline is None or body.lesson is not None:
            raise InvalidDecision("An edit at the outline gate carries the edited `outline`.")
        _check_outline_keys(body.outline)
        _check_covers(body.outline, objectives)
        return {"outline": body.outline.model_dump(mode="json")}
    if gate.kind is GateKind.LESSON:
        if body.lesson is None or body.outline is not None:
            raise InvalidDecision("An edit at a lesson gate carries the edited `lesson`.")
        return {"lesson": body.lesson.model_dump(mode="json", exclude_none=True)}
    raise InvalidDecision("The final gate takes approve or reject; edit lessons at their gates.")


def _check_outline_keys(outline: Outline) -> None:
    """Keys tie outline entries to lesson rows; new entries need new, well-formed keys."""
    module_keys = [m.key for m in outline.modules]
    lesson_keys = [lesson.key for lesson in outline.lessons()]
    bad = [k for k in module_keys if not _MODULE_KEY.match(k)]
    bad += [k for k in lesson_keys if not _LESSON_KEY.match(k)]
    if bad:
        raise InvalidDecision(f"Malformed keys (modules 'm1', lessons 'm1-l1'): {bad[:5]}")
    for keys in (module_keys, lesson_keys):
        if len(set(keys)) != len(keys):
            raise InvalidDecision("Every module and lesson key must be unique.")


def _check_covers(outline: Outline, objectives: int) -> None:
    """`covers` indexes the brief's objectives: the alignment matrix reads them."""
    for lesson in outline.lessons():
        wrong = [i for i in lesson.covers if not 0 <= i < objectives]
        if wrong:
            raise InvalidDecision(
                f"Lesson {lesson.key} covers objectives {wrong}; the brief has {objectives} "
                f"(numbered from 0)."
            )


async def _check_lesson_keys(session: AsyncSession, course_id: uuid.UUID, keys: list[str]) -> None:
    if not keys:
        raise InvalidDecision("A rejection at the final gate names the lessons to redraft.")
    known = await lessons.keyed_lessons(session, course_id)
    unknown = sorted({k for k in keys if k not in known or known[k].deleted_at is not None})
    if unknown:
        raise InvalidDecision(f"No such lessons in this course's outline: {unknown[:10]}")
