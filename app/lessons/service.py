"""Modules and lessons: every content change is kept as a revision; deletion is reversible."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.core.concurrency import check_version, flush_versioned
from app.core.db import utcnow
from app.courses.service import CourseAccess
from app.lessons import repository
from app.lessons.errors import LessonNotFound, ModuleNotFound
from app.lessons.models import Lesson, LessonRevision, Module, RevisionSource
from app.lessons.schemas import (
    LessonCreate,
    LessonOutline,
    LessonUpdate,
    ModuleCreate,
    ModuleRead,
    RevisionRead,
)
from app.realtime import events
from app.realtime.events import EventType
from app.realtime.models import WorkflowEvent


def _snapshot(lesson: Lesson) -> dict[str, Any]:
    return {
        "title": lesson.title,
        "objectives": lesson.objectives,
        "version": lesson.version,
        "content_chars": len(lesson.content),
        "deleted_at": lesson.deleted_at.isoformat() if lesson.deleted_at else None,
    }


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


async def outline(
    session: AsyncSession, access: CourseAccess, include_deleted: bool = False
) -> list[ModuleRead]:
    modules, lessons = await repository.modules_with_lessons(
        session, access.course.id, include_deleted
    )
    by_module: dict[uuid.UUID, list[LessonOutline]] = {m.id: [] for m in modules}
    for lesson in lessons:
        if lesson.module_id in by_module:
            by_module[lesson.module_id].append(LessonOutline.model_validate(lesson))
    return [
        ModuleRead.model_validate(m).model_copy(update={"lessons": by_module[m.id]})
        for m in modules
    ]


async def create_module(session: AsyncSession, access: CourseAccess, data: ModuleCreate) -> Module:
    module = Module(
        course_id=access.course.id,
        position=await repository.next_module_position(session, access.course.id),
        **data.model_dump(),
    )
    session.add(module)
    await session.flush()
    await audit.record(
        session,
        actor_id=access.user.id,
        action="module.created",
        entity_type="module",
        entity_id=module.id,
        after={"title": module.title, "course_id": str(module.course_id)},
    )
    return module


async def create_lesson(
    session: AsyncSession, access: CourseAccess, module_id: uuid.UUID, data: LessonCreate
) -> Lesson:
    module = await repository.get_module(session, access.course.id, module_id)
    if module is None:
        raise ModuleNotFound
    lesson = Lesson(
        course_id=access.course.id,
        module_id=module.id,
        position=await repository.next_lesson_position(session, module.id),
        **data.model_dump(),
    )
    session.add(lesson)
    await session.flush()
    session.add(_revision(lesson, RevisionSource.HUMAN, access.user.id))
    await audit.record(
        session,
        actor_id=access.user.id,
        action="lesson.created",
        entity_type="lesson",
        entity_id=lesson.id,
        after=_snapshot(lesson),
    )
    return lesson


async def get_lesson(
    session: AsyncSession, access: CourseAccess, lesson_id: uuid.UUID, *, deleted_ok: bool = False
) -> Lesson:
    lesson = await repository.get_lesson(session, access.course.id, lesson_id)
    if lesson is None or (lesson.deleted_at is not None and not deleted_ok):
        raise LessonNotFound
    return lesson


async def update_lesson(
    session: AsyncSession,
    access: CourseAccess,
    lesson_id: uuid.UUID,
    data: LessonUpdate,
    expected_version: int,
    *,
    source: RevisionSource = RevisionSource.HUMAN,
) -> Lesson:
    """`source` AI: text a model wrote and the caller accepted (they stay its author)."""
    lesson = await get_lesson(session, access, lesson_id)
    check_version(lesson.version, expected_version)
    before = _snapshot(lesson)
    for field, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        setattr(lesson, field, value)
    await _save_change(session, access, lesson, "lesson.updated", before)
    session.add(_revision(lesson, source, access.user.id))
    return lesson


async def announce_saved(
    session: AsyncSession, access: CourseAccess, lesson: Lesson
) -> WorkflowEvent:
    """Tell open views of the lesson that a newer version exists, in this transaction."""
    payload = {
        "lesson_id": str(lesson.id),
        "version": lesson.version,
        "title": lesson.title,
        "by": str(access.user.id),
    }
    return await events.append(session, lesson.course_id, None, EventType.LESSON_SAVED, payload)


async def set_deleted(
    session: AsyncSession, access: CourseAccess, lesson_id: uuid.UUID, deleted: bool
) -> Lesson:
    lesson = await get_lesson(session, access, lesson_id, deleted_ok=True)
    if (lesson.deleted_at is not None) == deleted:
        return lesson
    before = _snapshot(lesson)
    lesson.deleted_at = utcnow() if deleted else None
    action = "lesson.deleted" if deleted else "lesson.restored"
    await _save_change(session, access, lesson, action, before)
    return lesson


async def _save_change(
    session: AsyncSession,
    access: CourseAccess,
    lesson: Lesson,
    action: str,
    before: dict[str, Any],
) -> None:
    """Write the edited lesson (a 409 if someone else saved first) and its audit row."""
    await flush_versioned(session, lesson)
    await audit.record(
        session,
        actor_id=access.user.id,
        action=action,
        entity_type="lesson",
        entity_id=lesson.id,
        before=before,
        after=_snapshot(lesson),
    )


async def list_revisions(
    session: AsyncSession, access: CourseAccess, lesson_id: uuid.UUID
) -> list[RevisionRead]:
    lesson = await get_lesson(session, access, lesson_id, deleted_ok=True)
    return [RevisionRead.model_validate(r) for r in await repository.revisions(session, lesson.id)]
