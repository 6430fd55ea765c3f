"""Who is calling: the bearer token, checked against a live session on every request."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import repository
from app.auth.service import ClientInfo
from app.core import security
from app.core.access import AccessRule, mark
from app.core.context import client_ip_var, user_id_var
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.core.errors import Forbidden, Unauthorized
from app.core.permissions import Permission, allows_globally
from app.users.models import User

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/v1/auth/login")


@dataclass(frozen=True)
class Principal:
    user: User
    session_id: uuid.UUID


async def _principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized
    claims = security.decode_access_token(settings.jwt_secret_value(), credentials.credentials)
    user = await repository.active_user_for_session(session, claims.user_id, claims.session_id)
    if user is None:
        raise Unauthorized("The session has ended; sign in again.")
    user_id_var.set(str(user.id))
    request.state.user_id = str(user.id)
    return Principal(user, claims.session_id)


# Unmarked: for building other access rules (global, course) on top of sign-in.
Authenticated = Annotated[Principal, Depends(_principal)]


@mark(AccessRule("user", Permission.SELF))
async def _signed_in(principal: Authenticated) -> Principal:
    return principal


PrincipalDep = Annotated[Principal, Depends(_signed_in)]


async def _current_user(principal: PrincipalDep) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(_current_user)]


def global_permission(permission: Permission) -> Callable[[Principal], Awaitable[User]]:
    """A global permission, granted by the user's organisation-wide role only."""

    @mark(AccessRule("global", permission))
    async def dependency(principal: Authenticated) -> User:
        if not allows_globally(principal.user.role, permission):
            raise Forbidden
        return principal.user

    return dependency


UserAdmin = Annotated[User, Depends(global_permission(Permission.USERS_MANAGE))]
Auditor = Annotated[User, Depends(global_permission(Permission.AUDIT_READ))]
CourseCreator = Annotated[User, Depends(global_permission(Permission.COURSES_CREATE))]


@mark(AccessRule("public"))
async def _public() -> None:
    return None


Public = Depends(_public)


async def client_info(request: Request) -> ClientInfo:
    return ClientInfo(ip=client_ip_var.get(), user_agent=request.headers.get("user-agent"))


ClientDep = Annotated[ClientInfo, Depends(client_info)]
