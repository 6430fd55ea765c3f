"""Writes that come from the workflow engine: the outline, drafted lessons and quizzes.

Every row carries its outline key (`workflow_key`) and is updated in place when a node runs
again (a retry, a worker restart, a regenerated lesson), so nothing is ever duplicated.
Every content change still leaves a lesson revision and an audit row.
"""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core.db import utcnow
from app.lessons import repository
from app.lessons.models import (
    Lesson,
    LessonRevision,
    LessonStatus,
    Module,
    QuizItem,
    RevisionSource,
)
from app.workflow.schemas import Outline, QuizItemDraft

_lessons = cast(Table, Lesson.__table__)


def _revision(lesson: Lesson, source: RevisionSource, author: uuid.UUID | None) -> LessonRevision:
    return LessonRevision(
        lesson_id=lesson.id,
        version=lesson.version,
        title=lesson.title,
        objectives=list(lesson.objectives),
        content=lesson.content,
        source=source,
        author_id=author,
    )


async def apply_outline(
    session: AsyncSession,
    course_id: uuid.UUID,
    outline: Outline,
    *,
    source: RevisionSource,
    author_id: uuid.UUID | None,
) -> dict[str, uuid.UUID]:
    """Make the course's modules and lessons match an approved outline; returns lesson ids by
    key. Keyed rows the outline no longer has are soft-deleted (restorable), not dropped."""
    modules = await repository.keyed_modules(session, course_id)
    lessons = await repository.keyed_lessons(session, course_id)
    lesson_ids: dict[str, uuid.UUID] = {}
    for m_position, plan in enumerate(outline.modules, start=1):
        module = modules.pop(plan.key, None)
        if module is None:
            module = Module(course_id=course_id, workflow_key=plan.key, position=m_position)
            session.add(module)
        module.position, module.title, module.summary = m_position, plan.title, plan.summary
        module.objectives = sorted({o for lesson in plan.lessons for o in lesson.objectives})
        module.deleted_at = None
        await session.flush()
        for l_position, lesson_plan in enumerate(plan.lessons, start=1):
            lesson = lessons.pop(lesson_plan.key, None)
            changed = lesson is None or (lesson.title, lesson.objectives) != (
                lesson_plan.title,
                lesson_plan.objectives,
            )
            if lesson is None:
                lesson = Lesson(course_id=course_id, workflow_key=lesson_plan.key, content="")
                session.add(lesson)
            lesson.module_id, lesson.position = module.id, l_position
            lesson.title, lesson.objectives = lesson_plan.title, list(lesson_plan.objectives)
            lesson.deleted_at = None
            await session.flush()
            if changed:
                session.add(_revision(lesson, source, author_id))
            lesson_ids[lesson_plan.key] = lesson.id
    now = utcnow()
    for gone_module in modules.values():
        gone_module.deleted_at = gone_module.deleted_at or now
    for gone_lesson in lessons.values():
        gone_lesson.deleted_at = gone_lesson.deleted_at or now
    await audit.record(
        session,
        actor_id=author_id,
        action="outline.applied",
        entity_type="course",
        entity_id=course_id,
        after={"modules": len(outline.modules), "lessons": len(lesson_ids)},
    )
    return lesson_ids


async def write_lesson(
    session: AsyncSession,
    course_id: uuid.UUID,
    key: str,
    *,
    content: str,
    status: LessonStatus,
    source: RevisionSource,
    author_id: uuid.UUID | None,
    title: str | None = None,
    objectives: list[str] | None = None,
) -> Lesson:
    """Set a keyed lesson's text (and status); a revision is written when the text changed."""
    lesson = await repository.lesson_by_key(session, course_id, key, for_update=True)
    if lesson is None:
        raise LookupError(f"lesson {key} of course {course_id} is not in the outline")
    changed = (lesson.content, lesson.title, lesson.objectives) != (
        content,
        title or lesson.title,
        objectives if objectives is not None else lesson.objectives,
    )
    lesson.content, lesson.status = content, status
    lesson.title = title or lesson.title
    lesson.objectives = objectives if objectives is not None else lesson.objectives
    await session.flush()
    if changed:
        session.add(_revision(lesson, source, author_id))
        await audit.record(
            session,
            actor_id=author_id,
            action="lesson.generated" if source is RevisionSource.AI else "lesson.updated",
            entity_type="lesson",
            entity_id=lesson.id,
            after={"key": key, "version": lesson.version, "content_chars": len(content)},
        )
    return lesson


async def set_lesson_status(
    session: AsyncSession, course_id: uuid.UUID, key: str, status: LessonStatus
) -> None:
    """A review's outcome, not an edit of the text: a Core UPDATE leaves the version (what
    editors save against) alone, so an author with the lesson open is not put in conflict
    by a reviewer's approval."""
    await session.execute(
        update(_lessons)
        .where(
            _lessons.c.course_id == course_id,
            _lessons.c.workflow_key == key,
            _lessons.c.status != status,
        )
        .values(status=status, updated_at=utcnow())
    )


async def replace_quiz(
    session: AsyncSession,
    course_id: uuid.UUID,
    module_key: str,
    items: list[QuizItemDraft],
    lesson_ids: dict[str, uuid.UUID],
) -> None:
    """The module's quiz becomes exactly `items` (keys m1-q1, m1-q2, ...), updated in place."""
    modules = await repository.keyed_modules(session, course_id)
    module = modules[module_key]
    existing = await repository.quiz_items(session, module.id)
    for position, draft in enumerate(items, start=1):
        key = f"{module_key}-q{position}"
        item = existing.pop(key, None)
        if item is None:
            item = QuizItem(course_id=course_id, module_id=module.id, workflow_key=key)
            session.add(item)
        item.position = position
        item.lesson_id = lesson_ids.get(draft.lesson_key)
        item.objective, item.question = draft.objective, draft.question
        item.choices, item.answer_index = list(draft.choices), draft.answer_index
        item.rationale = draft.rationale
    for stale in existing.values():
        await session.delete(stale)
    await session.flush()
