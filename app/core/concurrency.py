"""Optimistic concurrency: a write names the version it edited, via If-Match or a field."""

from __future__ import annotations

import re
from typing import Annotated, Any, Protocol

from fastapi import Header
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import BadRequest, PreconditionRequired, VersionConflict

_VERSION_TAG = re.compile(r"[0-9]{1,18}")

IfMatch = Annotated[str | None, Header(max_length=40)]


class Versioned(Protocol):
    id: Any
    version: Any


def expected_version(if_match: str | None, body_version: int | None) -> int:
    if if_match is not None:
        tag = if_match.strip().removeprefix("W/").strip('"')
        if not _VERSION_TAG.fullmatch(tag):
            raise BadRequest('If-Match must be the ETag you received, for example "3".')
        header_version = int(tag)
        if body_version is not None and body_version != header_version:
            raise BadRequest("If-Match and `version` disagree.")
        return header_version
    if body_version is None:
        raise PreconditionRequired
    return body_version


def check_version(current: int, expected: int) -> None:
    if current != expected:
        raise VersionConflict(current)


def etag(version: int) -> str:
    return f'"{version}"'


async def flush_versioned(session: AsyncSession, entity: Versioned) -> None:
    """Flush an edit of a versioned row; a concurrent writer that got there first is a 409.

    The version check above catches stale edits; this catches the race between that check
    and the UPDATE (SQLAlchemy's version_id_col adds `WHERE version = :read_version`).
    """
    model, entity_id = type(entity), entity.id
    try:
        await session.flush()
    except StaleDataError:
        await session.rollback()
        current = await session.scalar(select(model.version).where(model.id == entity_id))
        raise VersionConflict(int(current or 0)) from None
