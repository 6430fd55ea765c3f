from __future__ import annotations

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command, Send, interrupt

from app.courses import service as courses
from app.courses.models import CourseStatus
from app.lessons import generated
from app.lessons.models import LessonStatus
from app.workflow.context import WorkflowDeps
from app.workflow.schemas import DecisionKind, GateDecision
from app.workflow.state import CourseState
from app.workflow.tasks import lesson_task


async def review_final(state: CourseState, *, runtime: Runtime[WorkflowDeps]) -> Command[str]:
    """Final approval, with the alignment matrix and its uncovered objectives in view.
    A rejection names the lessons to redraft; they go back through their own gates."""
    alignment = state.get("alignment") or {}
    raw = interrupt(
        {
            "kind": "final",
            "round": len(state.get("final_feedback", [])) + 1,
            "title": "Final approval",
            "uncovered": alignment.get("uncovered", []),
        }
    )
    decision = GateDecision.model_validate(raw)
    deps = runtime.context
    if decision.decision is not DecisionKind.REJECT:
        async with deps.sessions() as session:
            await courses.set_status(session, deps.course_id, CourseStatus.APPROVED)
            await session.commit()
        return Command(update={"approved": True}, goto=END)
    lessons = state.get("lessons", {})
    updates = {}
    sends = []
    async with deps.sessions() as session:
        for key in decision.lesson_keys:
            feedback = [*lessons.get(key, {}).get("feedback", []), decision.feedback]
            updates[key] = {"status": "rejected", "feedback": feedback}
            rounds = int(lessons.get(key, {}).get("rounds", 0))
            task = lesson_task(key, state["outline"] or {}, feedback, rounds)
            sends.append(Send("lesson", task))
            await generated.set_lesson_status(session, deps.course_id, key, LessonStatus.DRAFTED)
        await session.commit()
    await deps.set_phase("lessons")
    return Command(update={"lessons": updates, "final_feedback": [decision.feedback]}, goto=sends)
