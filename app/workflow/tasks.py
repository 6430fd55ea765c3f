"""What a `Send` carries to a parallel branch: a branch sees only this, not the whole state.
The brief (source material and all) is not among it: branches read it from the run's
context, so it is not copied into every checkpoint write."""

from __future__ import annotations

from typing import Any, TypedDict


class LessonTask(TypedDict):
    key: str
    outline: dict[str, Any]
    feedback: list[str]  # every rejection of this lesson so far, oldest first
    rounds: int  # drafts made so far


class ModuleTask(TypedDict):
    key: str
    outline: dict[str, Any]


def lesson_task(key: str, outline: dict[str, Any], feedback: list[str], rounds: int) -> LessonTask:
    return {"key": key, "outline": outline, "feedback": feedback, "rounds": rounds}
