"""Database engine, declarative base and the per-request session."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.errors import CourzlyError

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), default=utcnow, onupdate=utcnow
    )


def async_url(url: str) -> str:
    """Accept plain postgresql:// URLs (as libpq and ops write them) and pick the async driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, pool_size: int) -> AsyncEngine:
    # No pre-ping: it costs round trips on every checkout. A connection PostgreSQL dropped
    # fails its request with a 503 (see app/core/handlers.py) and the pool is refreshed.
    # No overflow: connections opened past the pool size are closed again on return, and
    # under load that churn (a new PostgreSQL backend per request) cost a third of throughput.
    return create_async_engine(
        async_url(url), pool_size=pool_size, max_overflow=0, pool_recycle=3600
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for requests that only read: autocommit, so no BEGIN/COMMIT round trips."""
    return session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))


READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


@asynccontextmanager
async def _transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with factory() as session:
        try:
            yield session
        except CourzlyError as exc:
            await (session.commit() if exc.keeps_changes else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the endpoint succeeds, else rolled back.
    Reads (GET) run in autocommit: they write nothing, so a transaction only costs time."""
    state = request.app.state
    read_only = request.method in READ_ONLY_METHODS
    factory: async_sessionmaker[AsyncSession] = state.read_sessions if read_only else state.sessions
    async with _transaction(factory) as session:
        yield session


async def write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A real transaction whatever the method, for the rare GET that writes: an OAuth
    callback, which the provider can only send as a GET. (In autocommit, FOR UPDATE would
    lock nothing past its own statement.)"""
    async with _transaction(request.app.state.sessions) as session:
        yield session


# scope="function" commits before the response is sent, so a failed commit is never a 2xx.
SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]
WriteSessionDep = Annotated[AsyncSession, Depends(write_session, scope="function")]
