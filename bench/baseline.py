"""The apps the real endpoint is compared with, served by uvicorn as `bench.baseline:<name>`.

- `bare_app`: a static page shaped like GET /api/v1/courses, the framework's cost for that
  payload with no work behind it.
- `floor_app`: the least a database-backed endpoint must do for the same page: the same
  queries through a raw asyncpg pool, rows returned as they come. Context for the figures,
  not a target.

Both are plain FastAPI with no middleware; this module imports nothing else from bench/ so
the server processes load only what they serve.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import asyncpg
from fastapi import FastAPI, Query

from app.courses.service import slugify

BARE_PATH = "/courses"
BARE_ITEMS = 20
BARE_TOTAL = 10_000

FLOOR_PATH = "/courses"
FLOOR_DATABASE_ENV = "BENCH_FLOOR_DATABASE_URL"  # set by bench/api.py to the bench database
# The real app's SQLAlchemy pool holds 10 connections and may open 10 more under load.
FLOOR_POOL_MIN = 10
FLOOR_POOL_MAX = 20

# Two queries, not one: the real endpoint's two statements for page 1 (an editor sees every
# course, so no membership join), a count and then the page, run one after the other on one
# connection as the real app does; so the gap between the two apps is not a difference in SQL.
# (The real count is count(courses.id), an index-only scan of another partial index, about as
# fast as this count(*); its page also binds OFFSET 0.)
COUNT_SQL = "SELECT count(*) FROM courses WHERE deleted_at IS NULL"
PAGE_SQL = (
    "SELECT id, title, slug, language, status, owner_id, version, created_at, updated_at, "
    "deleted_at FROM courses WHERE deleted_at IS NULL "
    "ORDER BY updated_at DESC, id DESC LIMIT $1"
)


def _plain_app(**kwargs: Any) -> FastAPI:
    # No OpenAPI or docs routes: nothing but the one endpoint is mounted.
    return FastAPI(openapi_url=None, docs_url=None, redoc_url=None, **kwargs)


def _bare_course(index: int) -> dict[str, Any]:
    stamp = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=index)
    title = f"Course {index:05d}: benchmark topic"
    return {
        "id": str(uuid.UUID(int=index + 1)),
        "title": title,
        "slug": slugify(title),
        "language": "en",
        "status": "draft",
        "owner_id": str(uuid.UUID(int=1)),
        "version": 1,
        "created_at": stamp.isoformat(),
        "updated_at": stamp.isoformat(),
        "deleted_at": None,
    }


def bare_app() -> FastAPI:
    """A static page shaped like GET /api/v1/courses: the framework's floor for that payload."""
    payload: dict[str, Any] = {
        "items": [_bare_course(i) for i in range(BARE_ITEMS)],
        "page": 1,
        "page_size": BARE_ITEMS,
        "total": BARE_TOTAL,
    }
    app = _plain_app()

    @app.get(BARE_PATH)
    async def courses() -> dict[str, Any]:
        return payload

    return app


async def _keep_session(connection: Any) -> None:
    """Release without asyncpg's default reset (RESET ALL, UNLISTEN *, ...): an extra round trip
    per request that read-only statements do not need. SQLAlchemy's pool in the real app sends
    nothing on release in autocommit either."""


def floor_app() -> FastAPI:
    """One page of course summaries and their total straight from PostgreSQL: no auth, no
    session, no ORM, no models of its own (FastAPI still checks and serialises the dict);
    what any database-backed version must still pay."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            os.environ[FLOOR_DATABASE_ENV],
            min_size=FLOOR_POOL_MIN,
            max_size=FLOOR_POOL_MAX,
            reset=_keep_session,
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    app = _plain_app(lifespan=lifespan)

    @app.get(FLOOR_PATH)
    async def courses(
        page_size: Annotated[int, Query(ge=1, le=100)] = BARE_ITEMS,
    ) -> dict[str, Any]:
        async with app.state.pool.acquire() as connection:
            total: int = await connection.fetchval(COUNT_SQL)
            rows = await connection.fetch(PAGE_SQL, page_size)
        return {
            "items": [dict(row) for row in rows],
            "page": 1,
            "page_size": page_size,
            "total": total,
        }

    return app
