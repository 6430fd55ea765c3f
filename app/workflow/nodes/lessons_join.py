from __future__ import annotations

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command, Send

from app.workflow.context import WorkflowDeps
from app.workflow.schemas import Outline
from app.workflow.state import CourseState
from app.workflow.tasks import ModuleTask


async def join_lessons(state: CourseState, *, runtime: Runtime[WorkflowDeps]) -> Command[str]:
    """Quizzes start once every lesson of the outline is approved. Every lesson loop of the
    step has ended (approved) when this runs; the check guards a final-review redraft of
    some lessons against a stale view of the others."""
    outline = Outline.model_validate(state["outline"])
    lessons = state.get("lessons", {})
    if any(lessons.get(p.key, {}).get("status") != "approved" for p in outline.lessons()):
        return Command(goto=END)
    await runtime.context.set_phase("quizzes")
    tasks: list[ModuleTask] = [
        {"key": module.key, "outline": state["outline"] or {}} for module in outline.modules
    ]
    return Command(goto=[Send("draft_quiz", task) for task in tasks])
