from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.core.api import API_PREFIX
from app.core.concurrency import IfMatch, etag, expected_version
from app.core.db import SessionDep
from app.courses.dependencies import CanDeleteLessons, CanEditLessons, CanReadLessons
from app.lessons import service
from app.lessons.schemas import (
    LessonCreate,
    LessonRead,
    LessonUpdate,
    ModuleCreate,
    ModuleRead,
    RevisionRead,
)
from app.realtime.dependencies import PublisherDep

router = APIRouter(prefix=f"{API_PREFIX}/courses/{{course_id}}", tags=["lessons"])


@router.get("/outline")
async def get_outline(
    access: CanReadLessons, session: SessionDep, include_deleted: bool = False
) -> list[ModuleRead]:
    return await service.outline(session, access, include_deleted)


@router.post("/modules", status_code=status.HTTP_201_CREATED)
async def create_module(
    body: ModuleCreate, access: CanEditLessons, session: SessionDep
) -> ModuleRead:
    return ModuleRead.model_validate(await service.create_module(session, access, body))


@router.post("/modules/{module_id}/lessons", status_code=status.HTTP_201_CREATED)
async def create_lesson(
    module_id: uuid.UUID, body: LessonCreate, access: CanEditLessons, session: SessionDep
) -> LessonRead:
    return LessonRead.model_validate(await service.create_lesson(session, access, module_id, body))


@router.get("/lessons/{lesson_id}")
async def get_lesson(
    lesson_id: uuid.UUID, access: CanReadLessons, session: SessionDep, response: Response
) -> LessonRead:
    lesson = await service.get_lesson(session, access, lesson_id)
    response.headers["ETag"] = etag(lesson.version)
    return LessonRead.model_validate(lesson)


@router.patch("/lessons/{lesson_id}")
async def update_lesson(
    lesson_id: uuid.UUID,
    body: LessonUpdate,
    access: CanEditLessons,
    session: SessionDep,
    response: Response,
    publisher: PublisherDep,
    if_match: IfMatch = None,
) -> LessonRead:
    version = expected_version(if_match, body.version)
    lesson = await service.update_lesson(session, access, lesson_id, body, version)
    publisher.after_commit([await service.announce_saved(session, access, lesson)])
    response.headers["ETag"] = etag(lesson.version)
    return LessonRead.model_validate(lesson)


@router.delete("/lessons/{lesson_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_lesson(
    lesson_id: uuid.UUID, access: CanDeleteLessons, session: SessionDep
) -> None:
    await service.set_deleted(session, access, lesson_id, deleted=True)


@router.post("/lessons/{lesson_id}/restore")
async def restore_lesson(
    lesson_id: uuid.UUID, access: CanDeleteLessons, session: SessionDep
) -> LessonRead:
    return LessonRead.model_validate(await service.set_deleted(session, access, lesson_id, False))


@router.get("/lessons/{lesson_id}/revisions")
async def list_revisions(
    lesson_id: uuid.UUID, access: CanReadLessons, session: SessionDep
) -> list[RevisionRead]:
    return await service.list_revisions(session, access, lesson_id)
