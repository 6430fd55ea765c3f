from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from app.lessons import generated, repository
from app.realtime.events import EventType
from app.workflow.context import WorkflowDeps
from app.workflow.providers.base import Phase, ProviderError
from app.workflow.schemas import Outline, QuizItemDraft
from app.workflow.tasks import ModuleTask


def _assessable(
    items: list[QuizItemDraft], outline: Outline, module_key: str
) -> list[QuizItemDraft]:
    """Keep items tied to a lesson of this module and to one of that lesson's objectives."""
    module = next(m for m in outline.modules if m.key == module_key)
    objectives = {lesson.key: set(lesson.objectives) for lesson in module.lessons}
    return [i for i in items if i.objective in objectives.get(i.lesson_key, set())]


async def draft_quiz(task: ModuleTask, *, runtime: Runtime[WorkflowDeps]) -> dict[str, Any]:
    deps = runtime.context
    await deps.ensure_not_cancelled()
    key = task["key"]
    outline = Outline.model_validate(task["outline"])
    module = next(m for m in outline.modules if m.key == key)
    async with deps.sessions() as session:
        rows = await repository.keyed_lessons(session, deps.course_id)
    texts = {lesson.key: rows[lesson.key].content for lesson in module.lessons}
    result = await deps.writer.quiz(deps.brief, module, texts)
    await deps.record_usage(Phase.QUIZ, result.usage, lesson_key=key)
    items = _assessable(result.value.items, outline, key)
    if not items:
        raise ProviderError(
            f"quiz for module {key}: no item was tied to one of the module's lesson objectives"
        )
    async with deps.sessions() as session:
        lesson_ids = {k: row.id for k, row in rows.items()}
        await generated.replace_quiz(session, deps.course_id, key, items, lesson_ids)
        await session.commit()
    await deps.emit(EventType.QUIZ_READY, {"module_key": key, "items": len(items)})
    return {"quizzes": {key: {"items": [item.model_dump(mode="json") for item in items]}}}
