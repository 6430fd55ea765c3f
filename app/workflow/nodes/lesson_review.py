from __future__ import annotations

import uuid

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from app.lessons import generated
from app.lessons.models import LessonStatus, RevisionSource
from app.workflow.context import WorkflowDeps
from app.workflow.schemas import DecisionKind, GateDecision, Outline
from app.workflow.state import LessonFlowState


async def review_lesson(state: LessonFlowState, *, runtime: Runtime[WorkflowDeps]) -> Command[str]:
    """One lesson's gate. Nothing above `interrupt()`: a pending gate re-runs from its start
    whenever the run is resumed. A rejection loops back to this lesson's draft at once."""
    key, rounds = state["key"], state.get("rounds", 0)
    title = Outline.model_validate(state["outline"]).lesson(key).title
    raw = interrupt({"kind": "lesson", "lesson_key": key, "round": rounds, "title": title})
    decision = GateDecision.model_validate(raw)
    deps = runtime.context
    if decision.decision is DecisionKind.REJECT:
        feedback = [*state.get("feedback", []), decision.feedback]
        return Command(
            update={
                "feedback": feedback,
                "lessons": {key: {"status": "rejected", "feedback": feedback}},
            },
            goto="draft_lesson",
        )
    async with deps.sessions() as session:
        if decision.decision is DecisionKind.EDIT and decision.lesson is not None:
            edit = decision.lesson
            await generated.write_lesson(
                session,
                deps.course_id,
                key,
                content=edit.content,
                title=edit.title,
                objectives=list(edit.objectives) if edit.objectives else None,
                status=LessonStatus.APPROVED,
                source=RevisionSource.HUMAN,
                author_id=uuid.UUID(decision.decided_by) if decision.decided_by else None,
            )
        else:
            await generated.set_lesson_status(session, deps.course_id, key, LessonStatus.APPROVED)
        await session.commit()
    return Command(update={"lessons": {key: {"status": "approved"}}}, goto=END)
