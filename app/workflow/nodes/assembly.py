from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from app.workflow.context import WorkflowDeps
from app.workflow.schemas import Brief, Outline
from app.workflow.state import CourseState


def alignment_matrix(
    brief: Brief, outline: Outline, quizzes: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Every course objective -> the lessons that serve it and the quiz items that assess
    those lessons; objectives without a lesson or without an item are flagged."""
    lessons_by_objective: list[list[str]] = [[] for _ in brief.objectives]
    for lesson in outline.lessons():
        for index in lesson.covers:
            lessons_by_objective[index].append(lesson.key)
    rows = []
    for index, objective in enumerate(brief.objectives):
        lesson_keys = lessons_by_objective[index]
        items = [
            f"{module_key}-q{position}"
            for module_key, quiz in sorted(quizzes.items())
            for position, item in enumerate(quiz.get("items", []), start=1)
            if item["lesson_key"] in lesson_keys
        ]
        rows.append(
            {
                "objective": objective,
                "index": index,
                "lessons": lesson_keys,
                "quiz_items": items,
                "covered": bool(lesson_keys) and bool(items),
            }
        )
    return {"objectives": rows, "uncovered": [r["objective"] for r in rows if not r["covered"]]}


async def assemble(state: CourseState, *, runtime: Runtime[WorkflowDeps]) -> dict[str, Any]:
    await runtime.context.set_phase("assembly")
    brief = Brief.model_validate(state["brief"])
    outline = Outline.model_validate(state["outline"])
    return {"alignment": alignment_matrix(brief, outline, state.get("quizzes", {}))}
