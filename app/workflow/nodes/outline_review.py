from __future__ import annotations

import uuid

from langgraph.runtime import Runtime
from langgraph.types import Command, Send, interrupt

from app.lessons import generated
from app.lessons.models import RevisionSource
from app.workflow.context import WorkflowDeps
from app.workflow.schemas import DecisionKind, GateDecision, Outline
from app.workflow.state import CourseState
from app.workflow.tasks import lesson_task


async def review_outline(state: CourseState, *, runtime: Runtime[WorkflowDeps]) -> Command[str]:
    """The outline gate. Nothing above `interrupt()`: this node re-runs on every resume."""
    raw = interrupt(
        {"kind": "outline", "round": state.get("outline_rounds", 1), "title": "Outline"}
    )
    decision = GateDecision.model_validate(raw)
    if decision.decision is DecisionKind.REJECT:
        return Command(update={"outline_feedback": [decision.feedback]}, goto="outline")

    deps = runtime.context
    edited = decision.decision is DecisionKind.EDIT and decision.outline is not None
    outline = (
        decision.outline
        if edited and decision.outline
        else Outline.model_validate(state["outline"])
    )
    author = uuid.UUID(decision.decided_by) if decision.decided_by else None
    async with deps.sessions() as session:
        lesson_ids = await generated.apply_outline(
            session,
            deps.course_id,
            outline,
            source=RevisionSource.HUMAN if edited else RevisionSource.AI,
            author_id=author if edited else None,
        )
        await session.commit()
    await deps.set_phase("lessons")
    lessons = {
        key: {"status": "planned", "lesson_id": str(lesson_id), "feedback": [], "rounds": 0}
        for key, lesson_id in lesson_ids.items()
    }
    outline_json = outline.model_dump(mode="json")
    return Command(
        update={"outline": outline_json, "lessons": lessons},
        goto=[Send("lesson", lesson_task(key, outline_json, [], 0)) for key in lessons],
    )
