"""Test harness: a fresh PostgreSQL database and Redis key prefix per run, reset per test."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from app import migrate
from app.config import Environment, Settings
from app.main import create_app
from app.models import Base
from tests import services
from tests.browser import chromium
from tests.factories import Factory

pytest_plugins = ["tests.fakes.fixtures"]

TEST_CLIENT_IP = "203.0.113.10"
APPEND_ONLY_TABLES = ("audit_log", "workflow_events")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


ABANDONED_AFTER_SECONDS = 6 * 3600
_NAMED = re.compile(r"^courzly_test_(\d+)_[0-9a-f]+$")


async def _drop_abandoned_databases(admin_url: str) -> None:
    """Databases of earlier runs that were killed before their clean-up: those named with a
    creation time long past (a run in progress may sit idle between its tests). One still
    in use refuses the plain DROP and is left alone."""
    connection = await asyncpg.connect(admin_url)
    try:
        names = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'courzly\\_test\\_%'"
        )
        for row in names:
            named = _NAMED.match(row["datname"])
            if named and time.time() - int(named.group(1)) < ABANDONED_AFTER_SECONDS:
                continue
            with contextlib.suppress(asyncpg.PostgresError):
                await connection.execute(f'DROP DATABASE "{row["datname"]}"')
    finally:
        await connection.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: a missing tool or service must not pass quietly."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter.write_line(f"CI=true: {len(skipped)} skipped test(s) count as failures")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    admin_url = _libpq(services.postgres_admin_url(os.environ.get("TEST_DATABASE_URL")))
    name = f"courzly_test_{int(time.time())}_{secrets.token_hex(4)}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    import asyncio

    asyncio.run(_drop_abandoned_databases(admin_url))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    # Durability buys nothing in a throw-away database and costs an fsync per commit.
    asyncio.run(admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def redis_url() -> str:
    return services.redis_url(os.environ.get("TEST_REDIS_URL"))


@pytest.fixture(scope="session")
def settings(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("courzly-data")
    return Settings.model_validate(
        {
            "COURZLY_ENV": Environment.TEST,
            "COURZLY_DATA_DIR": data_dir,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": f"courzly-test-{secrets.token_hex(4)}:",
            "JWT_SECRET": SecretStr(secrets.token_urlsafe(48)),
            "LOG_LEVEL": "WARNING",
            # Tests' webhook receivers listen on this machine.
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            # The API alone; tests/test_web.py serves a web app build of its own.
            "WEB_APP_DIR": data_dir / "no-web-app",
        }
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[object]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(TEST_CLIENT_IP, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://courzly.test") as c:
        yield c


@pytest.fixture(autouse=True)
async def _reset_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test starts from empty tables and an empty Redis keyspace."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    async with app.state.engine.begin() as connection:
        # TRUNCATE costs ~15 ms a table even when empty; DELETE on a few rows is far
        # cheaper. Append-only tables refuse DELETE, and TRUNCATE is the way to empty them.
        await connection.exec_driver_sql(f"TRUNCATE {', '.join(APPEND_ONLY_TABLES)}")
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in APPEND_ONLY_TABLES:
                await connection.exec_driver_sql(f'DELETE FROM "{table.name}"')  # noqa: S608
    redis: Redis = app.state.redis
    prefix = app.state.settings.redis_key_prefix
    # saq names its keys "saq:<queue>:...", and the queue is named after the prefix.
    keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=500)]
    keys += [key async for key in redis.scan_iter(match=f"saq:{prefix}*", count=500)]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
def factory(app: object) -> Factory:
    return Factory(app)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium (tests/browser.py), one per test module."""
    async with chromium() as launched:
        yield launched
