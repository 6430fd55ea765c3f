"""What a `Send` carries to a parallel branch: a branch sees only this, not the whole state."""

from __future__ import annotations

from typing import Any, TypedDict


class LessonTask(TypedDict):
    key: str
    brief: dict[str, Any]
    outline: dict[str, Any]
    feedback: list[str]  # every rejection of this lesson so far, oldest first
    rounds: int  # drafts made so far


class ModuleTask(TypedDict):
    key: str
    brief: dict[str, Any]
    outline: dict[str, Any]


def lesson_task(
    key: str, brief: dict[str, Any], outline: dict[str, Any], feedback: list[str], rounds: int
) -> LessonTask:
    return {"key": key, "brief": brief, "outline": outline, "feedback": feedback, "rounds": rounds}
