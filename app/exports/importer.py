"""Course JSON back into Courzly: a new course (a draft, owned by the importer) equal in
content to the one exported."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.assets import service as course_assets
from app.assets.store import MediaStore
from app.audit import service as audit
from app.config import Settings
from app.courses import service as courses
from app.courses.models import Course
from app.courses.schemas import CourseCreate
from app.exports.document import SCHEMA_VERSION, CourseDocument
from app.exports.errors import ImportRefused
from app.lessons import bulk
from app.users.models import User


async def import_course(
    session: AsyncSession,
    document: CourseDocument,
    user: User,
    settings: Settings,
    media: MediaStore,
) -> Course:
    if document.schema_version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ImportRefused(
            f"This file uses schema version {document.schema_version}; "
            f"this Courzly reads {SCHEMA_VERSION.split('.')[0]}.x."
        )
    keys = [lesson.key for lesson in document.lessons()]
    if len(set(keys)) != len(keys) or len({m.key for m in document.modules}) != len(
        document.modules
    ):
        raise ImportRefused("Module and lesson keys must be unique within the course.")
    info = document.course
    try:
        data = CourseCreate(title=info.title, language=info.language)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ImportRefused(f"The course's title or language cannot be used: {problems}") from exc
    course = await courses.create_course(session, data, user)
    course.brief = {
        "title": info.title,
        "audience": info.audience,
        "level": info.level,
        "duration_minutes": info.duration_minutes,
        "objectives": list(info.objectives),
    }
    await course_assets.import_assets(session, course, document.assets, user, settings, media)
    await bulk.add_modules(session, course.id, document.modules, user.id)
    await audit.record(
        session,
        actor_id=user.id,
        action="course.imported",
        entity_type="course",
        entity_id=course.id,
        after={
            "from_course": str(info.id),
            "lessons": len(keys),
            "assets": len(document.assets),
        },
    )
    return course
