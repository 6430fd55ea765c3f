"""Importing this registers every format (each module registers itself)."""

from app.exports.formats import (
    FORMATS,
    course_json,
    docx,
    epub,
    html_page,
    lms_packages,
    markdown_zip,
    pdf,
)

__all__ = [
    "FORMATS",
    "course_json",
    "docx",
    "epub",
    "html_page",
    "lms_packages",
    "markdown_zip",
    "pdf",
]
