"""Sign-in, token rotation, sign-out and password changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import repository
from app.auth.errors import (
    InvalidCredentials,
    InvalidCredentialsLocked,
    InvalidRefreshToken,
    RefreshTokenReused,
)
from app.auth.models import AuthSession
from app.auth.schemas import TokenPair
from app.auth.throttle import LoginThrottle
from app.config import Settings
from app.core import security
from app.core.db import utcnow
from app.core.errors import TooManyRequests
from app.core.logging import security_event
from app.core.metrics import AUTH_EVENTS
from app.notifications import service as notifications
from app.notifications.kinds import NotificationKind
from app.users import repository as users
from app.users.models import User


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None


def _security(event: str, client: ClientInfo, user: str | None, **fields: str) -> None:
    AUTH_EVENTS.labels(event).inc()
    security_event(event, ip=client.ip, user=user, **fields)


def _tokens(
    settings: Settings, user_id: uuid.UUID, session_id: uuid.UUID, refresh: str
) -> TokenPair:
    access = security.issue_access_token(
        settings.jwt_secret_value(), user_id, session_id, settings.access_token_ttl_seconds
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=settings.access_token_ttl_seconds,
        refresh_expires_in=settings.refresh_token_ttl_seconds,
    )


async def login(
    session: AsyncSession,
    settings: Settings,
    throttle: LoginThrottle,
    email: str,
    password: str,
    client: ClientInfo,
) -> TokenPair:
    wait = await throttle.locked_for(email, client.ip)
    if wait:
        _security("login_blocked", client, email, retry_after=str(wait))
        raise TooManyRequests(wait, "Too many failed sign-ins; try again later.")

    user = await users.get_by_email(session, email)
    valid = security.verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.is_active:
        reason = "inactive" if valid and user is not None else "bad_credentials"
        _security("login_failed", client, email, reason=reason)
        locked = await throttle.record_failure(email, client.ip)
        for subject in locked:
            _security("lockout", client, email, subject=subject)
        if "account" in locked and user is not None:
            await _tell_locked(session, settings, user, client)
            raise InvalidCredentialsLocked
        raise InvalidCredentials

    await throttle.record_success(email)
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    refresh, refresh_hash = security.new_refresh_token()
    auth_session = AuthSession(
        id=uuid.uuid4(),
        user_id=user.id,
        expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        ip=client.ip,
        user_agent=(client.user_agent or "")[:300] or None,
    )
    await repository.add_session(session, auth_session, refresh_hash)
    _security("login_succeeded", client, user.email, user_id=str(user.id))
    return _tokens(settings, user.id, auth_session.id, refresh)


async def _tell_locked(
    session: AsyncSession, settings: Settings, user: User, client: ClientInfo
) -> None:
    """The owner learns of a lockout at once: it may be someone guessing their password."""
    now = utcnow()
    context = {
        "occurred_at": now,
        "client_ip": client.ip or "unknown",
        "locked_until": now + timedelta(seconds=settings.login_lockout_seconds),
    }
    await notifications.queue(session, [user], NotificationKind.ACCOUNT_LOCKED, context)


async def refresh(
    session: AsyncSession, settings: Settings, token: str, client: ClientInfo
) -> TokenPair:
    stored = await repository.token_for_update(session, security.hash_refresh_token(token))
    if stored is None:
        _security("refresh_failed", client, None, reason="unknown_token")
        raise InvalidRefreshToken
    auth_session = await repository.get_session(session, stored.session_id)
    if auth_session is None or auth_session.revoked_at is not None:
        _security("refresh_failed", client, None, reason="revoked_session")
        raise InvalidRefreshToken
    if stored.used_at is not None:
        await repository.revoke_sessions(
            session, auth_session.user_id, "refresh_reuse", only=auth_session.id
        )
        _security("refresh_reuse", client, None, user_id=str(auth_session.user_id))
        raise RefreshTokenReused
    now = utcnow()
    if auth_session.expires_at <= now:
        _security("refresh_failed", client, None, reason="expired")
        raise InvalidRefreshToken("The sign-in has expired; sign in again.")
    user = await users.get(session, auth_session.user_id)
    if user is None or not user.is_active:
        raise InvalidRefreshToken

    stored.used_at = now
    auth_session.last_used_at = now
    new_token, new_hash = security.new_refresh_token()
    await repository.add_token(session, auth_session.id, new_hash)
    return _tokens(settings, user.id, auth_session.id, new_token)


async def logout(
    session: AsyncSession, user: User, session_id: uuid.UUID, client: ClientInfo
) -> None:
    await repository.revoke_sessions(session, user.id, "logout", only=session_id)
    _security("logout", client, user.email, user_id=str(user.id))


async def change_password(
    session: AsyncSession,
    user: User,
    current_session_id: uuid.UUID,
    current_password: str,
    new_password: str,
    client: ClientInfo,
) -> None:
    if not security.verify_password(user.password_hash, current_password):
        _security("password_change_failed", client, user.email, user_id=str(user.id))
        raise InvalidCredentials("The current password is wrong.")
    user.password_hash = security.hash_password(new_password)
    user.password_changed_at = utcnow()
    revoked = await repository.revoke_sessions(
        session, user.id, "password_changed", keep=current_session_id
    )
    await audit.record(
        session,
        actor_id=user.id,
        action="user.password_changed",
        entity_type="user",
        entity_id=user.id,
        after={"other_sessions_revoked": revoked},
    )
    _security("password_changed", client, user.email, user_id=str(user.id))
    context = {"occurred_at": user.password_changed_at, "client_ip": client.ip or "unknown"}
    await notifications.queue(session, [user], NotificationKind.PASSWORD_CHANGED, context)


async def revoke_all_sessions(session: AsyncSession, user_id: uuid.UUID, reason: str) -> int:
    return await repository.revoke_sessions(session, user_id, reason)
