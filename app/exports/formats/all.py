"""Importing this registers every format (each module registers itself)."""

from app.exports.formats import FORMATS, course_json, html_page, markdown_zip

__all__ = ["FORMATS", "course_json", "html_page", "markdown_zip"]
