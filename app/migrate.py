"""Alembic from code: `courzly migrate`, `courzly run` and the tests use the same path."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
# Indexes the migrations create only where the server supports them (see revision 0001);
# model/migration comparisons leave them out.
OPTIONAL_INDEXES = frozenset({"ix_courses_title_trgm"})


def include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    return not (type_ == "index" and name in OPTIONAL_INDEXES)


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
    if revision == "head":
        # Imported here: the workflow stack is heavy, and Alembic alone does not need it.
        from app.workflow.runtime import setup_checkpoints

        setup_checkpoints(database_url)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
