from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.core.schemas import (
    EmailInput,
    NewPassword,
    RequestModel,
    ResponseModel,
    TypedPassword,
)


class LoginRequest(RequestModel):
    email: EmailInput
    password: TypedPassword


class RefreshRequest(RequestModel):
    refresh_token: Annotated[str, Field(min_length=10, max_length=200)]


class PasswordChange(RequestModel):
    current_password: TypedPassword
    new_password: NewPassword


class TokenPair(ResponseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme, not a secret
    expires_in: int
    refresh_expires_in: int
