"""The benchmark's own PostgreSQL database and seed data, and cleaning its Redis keys.

Everything here is created under a random name and removed on the way out, so a run never
touches data it did not make.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import redis
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from app import migrate
from app.auth.models import AuthSession
from app.core import security
from app.core.db import create_engine, session_factory, utcnow
from app.core.permissions import Role
from app.courses.models import Course, CourseMember, CourseStatus
from app.courses.schemas import CourseBrief
from app.courses.service import slugify
from app.users import service as users
from app.users.schemas import UserCreate

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN_TTL_SECONDS = 3600


def admin_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    parsed = make_url(url or DEFAULT_ADMIN_URL).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def redis_url() -> str:
    return (
        os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    )


async def _admin_sql(admin_url: str, sql: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def bench_database(admin_url: str) -> Iterator[str]:
    """A new, migrated database, dropped on the way out whatever happened."""
    name = f"courzly_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin_sql(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(_admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def course_rows(owner_id: uuid.UUID, count: int) -> list[dict[str, Any]]:
    """Rows as create_course writes them, a minute apart so every sort order is stable."""
    brief = CourseBrief().model_dump(mode="json")
    start = utcnow() - timedelta(minutes=count)
    rows = []
    for index in range(count):
        title = f"Course {index:05d}: benchmark topic"
        stamp = start + timedelta(minutes=index)
        rows.append(
            {
                "id": uuid.uuid4(),
                "title": title,
                "slug": slugify(title),
                "brief": brief,
                "language": "en",
                "status": CourseStatus.DRAFT,
                "owner_id": owner_id,
                "version": 1,
                "event_seq": 0,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return rows


async def seed(database_url: str, jwt_secret: str, courses: int) -> str:
    """Seed an editor owning `courses` courses; return an access token for a live session."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session:
            owner = await users.create_user(
                session,
                UserCreate(
                    email="bench-editor@example.com",
                    display_name="Bench Editor",
                    password=secrets.token_urlsafe(24),
                    role=Role.EDITOR,
                ),
                actor_id=None,
            )
            rows = course_rows(owner.id, courses)
            await session.execute(insert(Course), rows)
            members = [
                {"course_id": r["id"], "user_id": owner.id, "role": Role.ADMIN} for r in rows
            ]
            await session.execute(insert(CourseMember), members)
            auth_session = AuthSession(
                id=uuid.uuid4(), user_id=owner.id, expires_at=utcnow() + timedelta(days=1)
            )
            session.add(auth_session)
            await session.commit()
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")  # a steady state, not a fresh load
    finally:
        await engine.dispose()
    return security.issue_access_token(jwt_secret, owner.id, auth_session.id, TOKEN_TTL_SECONDS)


def clean_redis(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
