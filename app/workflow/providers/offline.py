"""The course writer used without an API key: deterministic, labelled drafts, no cost."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from app.workflow.providers import offline_drafts
from app.workflow.providers.base import AttemptSink, ChatTurn, Result, TokenSink
from app.workflow.schemas import (
    Brief,
    ChatReplyDraft,
    LessonPlan,
    ModulePlan,
    Outline,
    OutlineDraft,
    QuizDraft,
)


async def _stream(text: str, on_token: TokenSink) -> None:
    # Streamed like a model would, so the UI path is exercised offline too; no sleeping,
    # an offline draft should appear at once.
    for chunk in offline_drafts.chunks(text):
        await on_token(chunk)


class OfflineWriter:
    offline = True

    async def outline(
        self, brief: Brief, feedback: Sequence[str], on_token: AttemptSink | None = None
    ) -> Result[OutlineDraft]:
        draft = offline_drafts.outline_draft(brief, feedback)
        if on_token is not None:
            # The JSON a model would stream, so the live outline view works offline too.
            await _stream(draft.model_dump_json(), partial(on_token, 1))
        return Result(draft)

    async def lesson(
        self,
        brief: Brief,
        outline: Outline,
        lesson: LessonPlan,
        feedback: Sequence[str],
        on_token: TokenSink,
    ) -> Result[str]:
        text = offline_drafts.lesson_markdown(brief, outline, lesson, feedback)
        await _stream(text, on_token)
        return Result(text)

    async def quiz(
        self, brief: Brief, module: ModulePlan, lessons: dict[str, str]
    ) -> Result[QuizDraft]:
        return Result(offline_drafts.quiz_draft(brief, module, lessons))

    async def chat(
        self,
        brief: Brief,
        history: Sequence[ChatTurn],
        lesson: LessonPlan | None,
        lesson_content: str | None,
        on_token: TokenSink,
    ) -> Result[ChatReplyDraft]:
        draft = offline_drafts.chat_reply(brief, history, lesson, lesson_content)
        await _stream(draft.reply, on_token)
        return Result(draft)

    async def aclose(self) -> None:
        """Nothing to release; present so callers can close any writer the same way."""
