from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import AuthSession, RefreshToken
from app.core.db import utcnow
from app.users.models import User

# Built once: this runs on every authenticated request.
_ACTIVE_USER = (
    select(User)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(
        User.id == bindparam("user_id"),
        User.is_active.is_(True),
        AuthSession.id == bindparam("session_id"),
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > func.now(),
    )
)


async def active_user_for_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> User | None:
    """The signed-in user, in one round trip, only while the user and the session are live."""
    params = {"user_id": user_id, "session_id": session_id}
    result: User | None = await session.scalar(_ACTIVE_USER, params)
    return result


async def add_session(session: AsyncSession, auth_session: AuthSession, token_hash: str) -> None:
    session.add(auth_session)
    await session.flush()
    session.add(RefreshToken(session_id=auth_session.id, token_hash=token_hash))


async def token_for_update(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    query = select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    result: RefreshToken | None = await session.scalar(query)
    return result


async def get_session(session: AsyncSession, session_id: uuid.UUID) -> AuthSession | None:
    return await session.get(AuthSession, session_id, with_for_update=True)


async def add_token(session: AsyncSession, session_id: uuid.UUID, token_hash: str) -> None:
    session.add(RefreshToken(session_id=session_id, token_hash=token_hash))


async def revoke_sessions(
    session: AsyncSession,
    user_id: uuid.UUID,
    reason: str,
    *,
    only: uuid.UUID | None = None,
    keep: uuid.UUID | None = None,
    now: datetime | None = None,
) -> int:
    statement = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoked_reason=reason)
    )
    if only is not None:
        statement = statement.where(AuthSession.id == only)
    if keep is not None:
        statement = statement.where(AuthSession.id != keep)
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
