from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from app.realtime.events import EventType
from app.workflow.context import AttemptBatcher, WorkflowDeps
from app.workflow.providers.base import Phase
from app.workflow.schemas import Brief, Outline
from app.workflow.state import CourseState


async def draft_outline(state: CourseState, *, runtime: Runtime[WorkflowDeps]) -> dict[str, Any]:
    """Ask for an outline with every earlier round of outline feedback in the prompt."""
    deps = runtime.context
    await deps.set_phase("outline")
    brief = Brief.model_validate(state["brief"])
    round_ = state.get("outline_rounds", 0) + 1
    # The outline's JSON streamed as it is written, so authors watch it take shape.
    stream = AttemptBatcher(deps, EventType.OUTLINE_TOKENS, {"round": round_})
    result = await deps.writer.outline(brief, state.get("outline_feedback", []), stream)
    await stream.flush()
    await deps.record_usage(Phase.OUTLINE, result.usage)
    outline = Outline.from_draft(result.value)
    # A model may cite objectives that do not exist; keep only real indexes.
    for lesson in outline.lessons():
        lesson.covers = sorted({i for i in lesson.covers if 0 <= i < len(brief.objectives)})
    return {
        "outline": outline.model_dump(mode="json"),
        "outline_rounds": round_,
    }
