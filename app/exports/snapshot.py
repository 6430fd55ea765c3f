"""The CourseDocument of a course as it is now: what every format of one export renders."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.assets import service as course_assets
from app.assets.store import MediaStore
from app.core.db import utcnow
from app.courses.models import Course, CourseStatus
from app.exports import repository
from app.exports.document import CourseDocument, CourseInfo, Lesson, Module, QuizItem
from app.exports.sanitize import lesson_html

log = logging.getLogger("courzly.exports")


async def course_document(
    session: AsyncSession, course: Course, media: MediaStore
) -> CourseDocument:
    """Keys are positions ("m2-l3"), so a course built by hand exports like a generated one.
    Raises sanitize.LessonTooLarge for a lesson over the limit, and AssetFileMissing when an
    image's file is gone."""
    modules, lessons, items = await repository.course_content(session, course.id)
    assets = await course_assets.for_export(session, course.id, media)
    asset_names = {asset.name for asset in assets}
    by_module: dict[Any, list[Any]] = {m.id: [] for m in modules}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson)
    exported: list[Module] = []
    for m_index, module in enumerate(modules, start=1):
        keys = {}
        rendered = []
        for l_index, lesson in enumerate(by_module[module.id], start=1):
            key = f"m{m_index}-l{l_index}"
            keys[lesson.id] = key
            cleaned = lesson_html(key, lesson.content, asset_names)
            if cleaned.removed_images:
                log.info("removed images that are not course assets", extra={"lesson": key})
            rendered.append(
                Lesson(
                    key=key,
                    title=lesson.title,
                    objectives=list(lesson.objectives),
                    markdown=lesson.content,
                    html=cleaned.html,
                )
            )
        quiz = [
            QuizItem(
                key=f"m{m_index}-q{q_index}",
                lesson_key=keys.get(item.lesson_id) if item.lesson_id else None,
                objective=item.objective,
                question=item.question,
                choices=list(item.choices),
                answer_index=item.answer_index,
                rationale=item.rationale,
            )
            for q_index, item in enumerate((i for i in items if i.module_id == module.id), start=1)
        ]
        exported.append(
            Module(
                key=f"m{m_index}",
                title=module.title,
                summary=module.summary,
                lessons=rendered,
                quiz=quiz,
            )
        )
    brief = course.brief or {}
    return CourseDocument(
        exported_at=utcnow(),
        course=CourseInfo(
            id=course.id,
            title=course.title,
            slug=course.slug,
            language=course.language,
            audience=str(brief.get("audience", "")),
            level=str(brief.get("level", "")),
            duration_minutes=brief.get("duration_minutes"),
            # Workflow briefs say "objectives"; briefs typed in when creating a course,
            # "learning_objectives".
            objectives=[
                str(o) for o in brief.get("objectives") or brief.get("learning_objectives") or []
            ],
            approved=course.status is CourseStatus.APPROVED,
        ),
        modules=exported,
        assets=assets,
    )
