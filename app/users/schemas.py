from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field

from app.core.permissions import Role
from app.core.schemas import Name, NewPassword, PatchModel, RequestModel, ResponseModel


class UserCreate(RequestModel):
    email: EmailStr
    display_name: Name
    password: NewPassword
    role: Role | None = None


class UserUpdate(PatchModel):
    nullable_fields = frozenset({"role"})  # null: no global role

    display_name: Name | None = None
    role: Role | None = None
    is_active: bool | None = None
    # Optimistic concurrency: the version you edited (or send If-Match instead).
    version: Annotated[int, Field(ge=1)] | None = None


class UserRead(ResponseModel):
    id: uuid.UUID
    email: str
    display_name: str
    role: Role | None
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class UserBrief(ResponseModel):
    id: uuid.UUID
    email: str
    display_name: str
