from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import Command, Send

from app.lessons import generated
from app.lessons.models import LessonStatus, RevisionSource
from app.realtime.events import EventType
from app.workflow.context import TokenBatcher, WorkflowDeps
from app.workflow.providers.base import Phase
from app.workflow.schemas import Outline
from app.workflow.tasks import LessonTask


async def draft_lesson(task: LessonTask, *, runtime: Runtime[WorkflowDeps]) -> Command[str]:
    """Write one lesson (streamed to subscribers), save it as an AI revision, then gate it.

    Generation and gate are separate nodes: a resumed gate re-runs from its start, and must
    not call the model again."""
    deps = runtime.context
    key, round_ = task["key"], task["rounds"] + 1
    await deps.ensure_not_cancelled()
    await deps.emit(EventType.LESSON_STARTED, {"lesson_key": key, "round": round_})
    outline = Outline.model_validate(task["outline"])
    plan = outline.lesson(key)
    stream = TokenBatcher(deps, EventType.LESSON_TOKENS, {"lesson_key": key})
    result = await deps.writer.lesson(deps.brief, outline, plan, task["feedback"], stream)
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
    return Command(
        update={"lessons": {key: {"status": "drafted", "rounds": round_, "version": version}}},
        goto=Send("lesson_review", {**task, "rounds": round_}),
    )
