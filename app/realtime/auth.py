"""Who is on a socket: the same access token and live-session check as a REST request."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import repository
from app.config import Settings
from app.core import security
from app.core.errors import Unauthorized
from app.users.models import User


@dataclass(frozen=True)
class SocketAuth:
    user: User
    session_id: uuid.UUID
    expires_at: float  # the token's `exp`, in Unix seconds: the socket closes then


async def authenticate(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, token: str
) -> SocketAuth:
    claims = security.decode_access_token(settings.jwt_secret_value(), token)
    # The signature was checked just above; this only reads the expiry it vouched for.
    expires_at = float(jwt.decode(token, options={"verify_signature": False})["exp"])
    if expires_at <= time.time():  # decoding allows a little clock skew; a socket does not
        raise Unauthorized("The access token has expired.")
    async with sessions() as session:
        user = await repository.active_user_for_session(session, claims.user_id, claims.session_id)
    if user is None:
        raise Unauthorized("The session has ended; sign in again.")
    return SocketAuth(user, claims.session_id, expires_at)
