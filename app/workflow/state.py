"""The graph's state and its reducers.

Parallel lesson branches write to `lessons` and `quizzes` in the same step, so both merge
per key instead of being replaced; feedback lists only ever grow.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


def merge_by_key(
    current: dict[str, dict[str, Any]], update: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Merge per key and per field: a branch updating lesson A never touches lesson B."""
    merged = dict(current)
    for key, fields in update.items():
        merged[key] = {**merged.get(key, {}), **fields}
    return merged


class LessonState(TypedDict, total=False):
    status: str  # "drafting" | "drafted" | "approved"
    lesson_id: str
    version: int
    feedback: list[str]  # every rejection of this lesson, oldest first
    rounds: int  # how many drafts this lesson has had


class CourseState(TypedDict, total=False):
    run_id: str
    course_id: str
    brief: dict[str, Any]  # app.workflow.schemas.Brief, as JSON
    outline: dict[str, Any] | None  # app.workflow.schemas.Outline, as JSON
    outline_feedback: Annotated[list[str], operator.add]
    outline_rounds: int
    lessons: Annotated[dict[str, dict[str, Any]], merge_by_key]  # lesson key -> LessonState
    quizzes: Annotated[dict[str, dict[str, Any]], merge_by_key]  # module key -> {"items": [...]}
    alignment: dict[str, Any] | None
    final_feedback: Annotated[list[str], operator.add]
    approved: bool


class LessonFlowState(TypedDict, total=False):
    """One lesson's loop (draft, review, draft again on rejection), a subgraph of its own:
    each lesson moves on as soon as its own gate is decided, whatever the others wait for."""

    key: str
    outline: dict[str, Any]
    feedback: list[str]  # every rejection of this lesson so far, oldest first
    rounds: int  # drafts made so far
    lessons: Annotated[dict[str, dict[str, Any]], merge_by_key]  # only this lesson's entry


class LessonFlowOutput(TypedDict, total=False):
    """What the loop hands back to the course graph: its lesson's entry, nothing else (the
    outline it was given must not be written back by every lesson at once)."""

    lessons: Annotated[dict[str, dict[str, Any]], merge_by_key]
