from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import UserAdmin
from app.core.api import API_PREFIX
from app.core.concurrency import IfMatch, etag, expected_version
from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.permissions import Role
from app.core.schemas import SearchText
from app.users import service
from app.users.schemas import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix=f"{API_PREFIX}/users", tags=["users"])


@router.get("")
async def list_users(
    session: SessionDep,
    _: UserAdmin,
    page: PageDep,
    q: Annotated[SearchText | None, Query(description="Search e-mail and name")] = None,
    role: Role | None = None,
    is_active: bool | None = None,
) -> Page[UserRead]:
    users, total = await service.list_users(session, page, q=q, role=role, is_active=is_active)
    return Page(
        items=[UserRead.model_validate(u) for u in users],
        page=page.page,
        page_size=page.page_size,
        total=total,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, session: SessionDep, admin: UserAdmin) -> UserRead:
    return UserRead.model_validate(await service.create_user(session, body, admin.id))


@router.get("/{user_id}")
async def get_user(
    user_id: uuid.UUID, session: SessionDep, _: UserAdmin, response: Response
) -> UserRead:
    user = await service.get_user(session, user_id)
    response.headers["ETag"] = etag(user.version)
    return UserRead.model_validate(user)


@router.patch("/{user_id}")
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    session: SessionDep,
    admin: UserAdmin,
    response: Response,
    if_match: IfMatch = None,
) -> UserRead:
    version = expected_version(if_match, body.version)
    user = await service.update_user(session, user_id, body, version, admin.id)
    response.headers["ETag"] = etag(user.version)
    return UserRead.model_validate(user)
