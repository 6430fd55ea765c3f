"""Migrations: upgrade to head and down to base on PostgreSQL, matching the models."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from app import migrate
from app.core.db import create_engine
from app.migrate import include_object
from app.models import Base


def _admin(url: str, sql: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    name = f"courzly_migrations_{secrets.token_hex(4)}"
    url = make_url(database_url)
    admin_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _tables(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row["tablename"] for row in rows}
    finally:
        await connection.close()


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    expected = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    assert asyncio.run(_tables(empty_database)) == expected
    migrate.downgrade(empty_database, "base")
    assert asyncio.run(_tables(empty_database)) == {"alembic_version"}
    migrate.upgrade(empty_database)
    assert asyncio.run(_tables(empty_database)) == expected


def test_models_and_migrations_agree(empty_database: str) -> None:
    """What autogenerate would write next is nothing: no model change lacks a migration."""
    migrate.upgrade(empty_database)

    async def diff() -> list[object]:
        engine = create_engine(empty_database, pool_size=1)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"include_object": include_object}),
                        Base.metadata,
                    )
                )
        finally:
            await engine.dispose()

    assert asyncio.run(diff()) == []


async def test_event_and_audit_tables_are_append_only(app: object, factory: object) -> None:
    from sqlalchemy.exc import DBAPIError

    from app.core.permissions import Role
    from tests.factories import Factory

    assert isinstance(factory, Factory)
    await factory.course(await factory.user(Role.EDITOR))  # writes an audit row
    engine = factory.app.state.engine
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):
                await connection.exec_driver_sql(statement)
