from __future__ import annotations

from fastapi import APIRouter, Request, status

from app.auth import service
from app.auth.dependencies import ClientDep, CurrentUser, PrincipalDep, Public
from app.auth.schemas import LoginRequest, PasswordChange, RefreshRequest, TokenPair
from app.auth.throttle import LoginThrottle
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.users.schemas import UserRead

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])


@router.post("/login", dependencies=[Public])
async def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> TokenPair:
    throttle: LoginThrottle = request.app.state.login_throttle
    return await service.login(session, settings, throttle, body.email, body.password, client)


@router.post("/refresh", dependencies=[Public])
async def refresh(
    body: RefreshRequest, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> TokenPair:
    return await service.refresh(session, settings, body.refresh_token, client)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: PrincipalDep, session: SessionDep, client: ClientDep) -> None:
    await service.logout(session, principal.user, principal.session_id, client)


@router.get("/me")
async def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: PasswordChange, principal: PrincipalDep, session: SessionDep, client: ClientDep
) -> None:
    await service.change_password(
        session,
        principal.user,
        principal.session_id,
        body.current_password,
        body.new_password,
        client,
    )
