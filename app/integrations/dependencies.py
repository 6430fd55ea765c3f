from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from app.core.redis import Keys
from app.integrations.google.transport import google_client
from app.integrations.tokens import GoogleContext


async def _google(request: Request) -> AsyncIterator[GoogleContext]:
    """Google's client for this request, with the app's session factory for the token
    transactions, which are the request session's (none is open across a Google call)."""
    state = request.app.state
    async with google_client() as client:
        yield GoogleContext(state.settings, client, state.sessions)


@dataclass(frozen=True)
class RedisHandle:
    redis: Redis
    keys: Keys


async def _redis(request: Request) -> RedisHandle:
    return RedisHandle(request.app.state.redis, request.app.state.keys)


GoogleDep = Annotated[GoogleContext, Depends(_google)]
RedisDep = Annotated[RedisHandle, Depends(_redis)]
