"""Optimistic concurrency: a write names the version it edited, via If-Match or a field."""

from __future__ import annotations

from app.core.errors import BadRequest, PreconditionRequired, VersionConflict


def expected_version(if_match: str | None, body_version: int | None) -> int:
    if if_match is not None:
        tag = if_match.strip().removeprefix("W/").strip('"')
        if not tag.isdigit():
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
