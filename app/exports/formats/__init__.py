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


# How people name the formats (in mail; the web app has its own copy with descriptions).
LABELS = {
    "json": "Course JSON",
    "markdown": "Markdown",
    "html": "HTML",
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "epub": "EPUB 3",
    "scorm12": "SCORM 1.2",
    "scorm2004": "SCORM 2004 4th Edition",
    "cmi5": "cmi5",
    "imscc": "IMS Common Cartridge 1.3",
}
