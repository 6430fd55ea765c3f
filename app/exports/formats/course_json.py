"""Course JSON: the complete, versioned document; `courzly` imports it again."""

from __future__ import annotations

from app.exports.document import CourseDocument
from app.exports.formats import Format, register


def render(document: CourseDocument) -> bytes:
    return document.model_dump_json(by_alias=True, indent=2).encode()


COURSE_JSON = register(Format("json", "json", "application/json", render))
