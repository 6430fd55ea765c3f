"""The compiled graph and its PostgreSQL checkpointer, one per process (API or worker).

Checkpoints live in the `langgraph` schema (created by migration 0002); the checkpointer's
own migrations run in `courzly migrate` through `setup_checkpoints`.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url

from app.workflow.graph import CourseGraph, build_graph
from app.workflow.models import WorkflowRun

CHECKPOINT_SCHEMA = "langgraph"


def libpq_url(database_url: str) -> str:
    """SQLAlchemy URLs name a driver (postgresql+asyncpg://); libpq wants the plain form."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _connection_kwargs() -> dict[str, Any]:
    return {
        "autocommit": True,
        "prepare_threshold": 0,
        "row_factory": dict_row,
        "options": f"-c search_path={CHECKPOINT_SCHEMA}",
    }


def setup_checkpoints(database_url: str) -> None:
    """Create or upgrade the checkpoint tables (idempotent)."""
    with Connection.connect(libpq_url(database_url), **_connection_kwargs()) as connection:
        PostgresSaver(connection).setup()


class WorkflowRuntime:
    def __init__(self, database_url: str, pool_size: int = 4) -> None:
        self.pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            libpq_url(database_url),
            kwargs=_connection_kwargs(),
            min_size=1,
            max_size=pool_size,
            # A round trip per checkout, off the hot path: a connection PostgreSQL dropped
            # (restart, failover) is replaced instead of failing a run's step.
            check=AsyncConnectionPool.check_connection,
            open=False,
        )
        self.checkpointer = AsyncPostgresSaver(self.pool)
        self.graph: CourseGraph = build_graph(self.checkpointer)

    async def open(self) -> None:
        await self.pool.open()

    async def close(self) -> None:
        await self.pool.close()


def run_config(
    run: WorkflowRun, *, checkpoint_id: str | None = None, max_concurrency: int | None = None
) -> RunnableConfig:
    configurable: dict[str, Any] = {"thread_id": run.thread_id}
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    config: RunnableConfig = {"configurable": configurable}
    if max_concurrency:
        config["max_concurrency"] = max_concurrency
    return config
