"""Export formats: each renders a CourseDocument to the bytes of one downloadable file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.exports.document import CourseDocument


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    render: Callable[[CourseDocument], bytes]


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt
