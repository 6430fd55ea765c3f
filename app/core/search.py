"""Search helpers: user text is always a literal, never a LIKE pattern."""

from __future__ import annotations


def contains_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
