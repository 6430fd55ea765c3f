from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from app.lessons import generated
from app.lessons.models import LessonStatus, RevisionSource
from app.realtime.events import EventType
from app.workflow.context import TokenBatcher, WorkflowDeps
from app.workflow.providers.base import Phase
from app.workflow.schemas import Outline
from app.workflow.state import LessonFlowState


async def draft_lesson(state: LessonFlowState, *, runtime: Runtime[WorkflowDeps]) -> dict[str, Any]:
    """Write one lesson (streamed to subscribers) and save it as an AI revision; its gate is
    the next node: a resumed gate re-runs from its start, and must not call the model again."""
    deps = runtime.context
    key, round_ = state["key"], state.get("rounds", 0) + 1
    await deps.ensure_not_cancelled()
    await deps.emit(EventType.LESSON_STARTED, {"lesson_key": key, "round": round_})
    outline = Outline.model_validate(state["outline"])
    plan = outline.lesson(key)
    stream = TokenBatcher(deps, EventType.LESSON_TOKENS, {"lesson_key": key})
    result = await deps.writer.lesson(deps.brief, outline, plan, state.get("feedback", []), stream)
    await stream.flush()
    await deps.record_usage(Phase.LESSON, result.usage, lesson_key=key)
    async with deps.sessions() as session:
        lesson = await generated.write_lesson(
            session,
            deps.course_id,
            key,
            content=result.value,
            status=LessonStatus.IN_REVIEW,
            source=RevisionSource.AI,
            author_id=None,
        )
        version, lesson_id = lesson.version, lesson.id
        await session.commit()
    await deps.emit(
        EventType.LESSON_READY,
        {"lesson_key": key, "lesson_id": str(lesson_id), "version": version, "round": round_},
    )
    return {
        "rounds": round_,
        "lessons": {key: {"status": "drafted", "rounds": round_, "version": version}},
    }
