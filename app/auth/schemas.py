from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.core.schemas import RequestModel, ResponseModel

Password = Annotated[str, Field(min_length=12, max_length=256)]


class LoginRequest(RequestModel):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class RefreshRequest(RequestModel):
    refresh_token: Annotated[str, Field(min_length=10, max_length=200)]


class LogoutRequest(RequestModel):
    pass


class PasswordChange(RequestModel):
    current_password: Annotated[str, Field(min_length=1, max_length=256)]
    new_password: Password


class TokenPair(ResponseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme, not a secret
    expires_in: int
    refresh_expires_in: int
