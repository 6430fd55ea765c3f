from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request
from redis.asyncio import Redis

from app.core.redis import Keys
from app.integrations.google.transport import google_client


async def _google() -> AsyncIterator[httpx.AsyncClient]:
    async with google_client() as client:
        yield client


@dataclass(frozen=True)
class RedisHandle:
    redis: Redis
    keys: Keys


async def _redis(request: Request) -> RedisHandle:
    return RedisHandle(request.app.state.redis, request.app.state.keys)


GoogleClientDep = Annotated[httpx.AsyncClient, Depends(_google)]
RedisDep = Annotated[RedisHandle, Depends(_redis)]
