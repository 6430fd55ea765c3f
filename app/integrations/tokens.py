"""Google tokens: sealed at rest, opened for a call, refreshed in a transaction of their
own. No caller's transaction (nor the lock on the connection row) is held while Google
answers, which may take minutes for an upload."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.core.db import utcnow
from app.core.sealing import SealError, sealer_for
from app.integrations import repository
from app.integrations.errors import DriveNotConnected, DriveReconnectNeeded, TokensUnreadable
from app.integrations.google import oauth
from app.integrations.google.drive import DriveClient
from app.integrations.google.errors import GoogleAuthRevoked, GoogleTokenExpired
from app.integrations.models import GoogleConnection

T = TypeVar("T")
REFRESH_MARGIN = timedelta(minutes=2)


@dataclass(frozen=True)
class GoogleContext:
    """What talking to Google takes: the settings, one HTTP client, and a session factory
    for the short transactions that read and refresh the tokens. Never the caller's
    session: no transaction (nor the lock on the connection row) is held open while
    Google answers, which may take minutes for an upload."""

    settings: Settings
    client: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]

    def drive(self, access_token: str) -> DriveClient:
        return DriveClient(self.client, self.settings, access_token)


def _context(user_id: uuid.UUID, which: str) -> str:
    return f"google:{user_id}:{which}"


def sealed(settings: Settings, user_id: uuid.UUID, tokens: oauth.Tokens) -> dict[str, Any]:
    sealer = sealer_for(settings)
    return {
        "access_token_sealed": sealer.seal(tokens.access_token, _context(user_id, "access")),
        "refresh_token_sealed": sealer.seal(tokens.refresh_token, _context(user_id, "refresh")),
        "access_expires_at": tokens.expires_at,
        "scope": tokens.scope,
    }


def _store(settings: Settings, row: GoogleConnection, tokens: oauth.Tokens) -> None:
    for field, value in sealed(settings, row.user_id, tokens).items():
        setattr(row, field, value)


def usable(row: GoogleConnection | None) -> GoogleConnection:
    if row is None:
        raise DriveNotConnected
    if row.revoked_at is not None:
        raise DriveReconnectNeeded
    return row


def open_token(settings: Settings, row: GoogleConnection, which: str) -> str:
    sealed = row.access_token_sealed if which == "access" else row.refresh_token_sealed
    try:
        return sealer_for(settings).open(sealed, _context(row.user_id, which))
    except SealError:
        # The server's key is wrong, not the grant: once ENCRYPTION_KEY is right again the
        # connection works, so nothing is marked.
        raise TokensUnreadable from None


def _expiring(row: GoogleConnection) -> bool:
    return row.access_expires_at - REFRESH_MARGIN <= utcnow()


async def access_token(
    google: GoogleContext, user_id: uuid.UUID, *, expired: str | None = None
) -> str:
    """A live access token, refreshed first when it is about to expire (or when Drive said
    `expired` one was no good). A transaction of its own, ended before any Drive call: the
    row is locked only while a refresh is fetched and stored, never while Drive works. A
    refusal marks the connection for a new consent."""
    async with google.sessions() as session:
        row = usable(await repository.connection(session, user_id))
        if expired is None and not _expiring(row):
            return open_token(google.settings, row, "access")
        # One refresh at a time per user: whoever waited here uses the one just stored.
        row = usable(await repository.connection(session, user_id, for_update=True))
        if not _expiring(row):
            current = open_token(google.settings, row, "access")
            if current != expired:
                return current
        refresh_token = open_token(google.settings, row, "refresh")
        try:
            tokens = await oauth.refresh(google.settings, google.client, refresh_token)
        except GoogleAuthRevoked:
            row.revoked_at = utcnow()
            await session.commit()
            raise DriveReconnectNeeded from None
        _store(google.settings, row, tokens)
        await session.commit()
        return tokens.access_token


async def with_drive(
    google: GoogleContext,
    user_id: uuid.UUID,
    call: Callable[[DriveClient], Awaitable[T]],
) -> T:
    """Run a Drive call; on a 401 refresh the tokens once and run it again. The caller
    holds no transaction meanwhile (see `GoogleContext`)."""
    token = await access_token(google, user_id)
    try:
        return await call(google.drive(token))
    except GoogleTokenExpired:
        token = await access_token(google, user_id, expired=token)
        return await call(google.drive(token))


async def reseal(session: AsyncSession, settings: Settings) -> tuple[int, int]:
    """Seal every Google token again with the current ENCRYPTION_KEY; returns (resealed,
    unreadable). Unreadable ones are left untouched (ENCRYPTION_KEY_PREVIOUS may be wrong)."""
    sealer, done, unreadable = sealer_for(settings), 0, 0
    for row in await repository.all_connections(session):
        try:
            for field, which in (
                ("access_token_sealed", "access"),
                ("refresh_token_sealed", "refresh"),
            ):
                sealed, context = getattr(row, field), _context(row.user_id, which)
                if not sealer.is_current(sealed):
                    setattr(row, field, sealer.seal(sealer.open(sealed, context), context))
                    done += 1
        except SealError:
            unreadable += 1  # left as it is: the right previous key may still be set
    await session.flush()
    return done, unreadable
