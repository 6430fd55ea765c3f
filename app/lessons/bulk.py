"""A whole course's modules, lessons and quizzes written at once (a Course JSON import).
Each lesson starts its history with one revision, like a lesson created by hand."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.exports.document import Module as ModuleDoc
from app.lessons.models import (
    Lesson,
    LessonRevision,
    LessonStatus,
    Module,
    QuizItem,
    RevisionSource,
)


async def add_modules(
    session: AsyncSession, course_id: uuid.UUID, modules: list[ModuleDoc], author_id: uuid.UUID
) -> None:
    for m_position, doc in enumerate(modules, start=1):
        module = Module(
            course_id=course_id,
            position=m_position,
            title=doc.title,
            summary=doc.summary,
            objectives=sorted({o for lesson in doc.lessons for o in lesson.objectives}),
            workflow_key=doc.key,
        )
        session.add(module)
        await session.flush()
        lesson_ids: dict[str, uuid.UUID] = {}
        for l_position, lesson_doc in enumerate(doc.lessons, start=1):
            lesson = Lesson(
                course_id=course_id,
                module_id=module.id,
                position=l_position,
                title=lesson_doc.title,
                objectives=list(lesson_doc.objectives),
                content=lesson_doc.markdown,
                status=LessonStatus.DRAFTED,
                workflow_key=lesson_doc.key,
            )
            session.add(lesson)
            await session.flush()
            lesson_ids[lesson_doc.key] = lesson.id
            session.add(
                LessonRevision(
                    lesson_id=lesson.id,
                    version=lesson.version,
                    title=lesson.title,
                    objectives=list(lesson.objectives),
                    content=lesson.content,
                    source=RevisionSource.HUMAN,
                    author_id=author_id,
                )
            )
        for q_position, item in enumerate(doc.quiz, start=1):
            session.add(
                QuizItem(
                    course_id=course_id,
                    module_id=module.id,
                    lesson_id=lesson_ids.get(item.lesson_key or ""),
                    workflow_key=f"{doc.key}-q{q_position}",
                    position=q_position,
                    objective=item.objective,
                    question=item.question,
                    choices=list(item.choices),
                    answer_index=item.answer_index,
                    rationale=item.rationale,
                )
            )
    await session.flush()
