"""The course writer backed by any OpenAI-compatible server."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from app.config import Settings
from app.workflow import prompts
from app.workflow.providers.base import (
    AttemptSink,
    ChatTurn,
    Phase,
    ProviderError,
    Result,
    TokenSink,
    model_for,
)
from app.workflow.providers.lesson_block import LessonBlockSplitter
from app.workflow.providers.llm import LLMClient
from app.workflow.schemas import (
    Brief,
    ChatReplyDraft,
    LessonPlan,
    ModulePlan,
    Outline,
    OutlineDraft,
    QuizDraft,
)

log = logging.getLogger("courzly.workflow")

REPLY_LIMIT = 20_000  # ChatReplyDraft.reply
PROPOSAL_LIMIT = 200_000  # ChatReplyDraft.proposed_content
EDIT_ONLY_REPLY = "Here is a revised version of the lesson for you to review."


class OpenAIWriter:
    offline = False

    def __init__(self, settings: Settings, *, llm: LLMClient | None = None) -> None:
        self._settings = settings
        self._llm = llm or LLMClient(settings)

    async def aclose(self) -> None:
        await self._llm.aclose()

    @property
    def _temperature(self) -> float:
        return self._settings.openai_temperature

    async def outline(
        self, brief: Brief, feedback: Sequence[str], on_token: AttemptSink | None = None
    ) -> Result[OutlineDraft]:
        return await self._llm.structured(
            "outline",
            model_for(self._settings, Phase.OUTLINE),
            prompts.outline_messages(brief, feedback),
            OutlineDraft,
            self._temperature,
            on_token,
        )

    async def lesson(
        self,
        brief: Brief,
        outline: Outline,
        lesson: LessonPlan,
        feedback: Sequence[str],
        on_token: TokenSink,
    ) -> Result[str]:
        task = f"lesson {lesson.key}"
        result = await self._llm.stream_text(
            task,
            model_for(self._settings, Phase.LESSON),
            prompts.lesson_messages(brief, outline, lesson, feedback),
            self._temperature,
            on_token,
        )
        if not result.value.text.strip():
            raise ProviderError(f"{task}: the model returned an empty lesson")
        if result.value.finish_reason == "length":
            # Kept: a reviewer sees the cut and can ask for a shorter rewrite.
            log.warning("%s: the model hit its output limit; the lesson is cut off", task)
        return Result(result.value.text, result.usage)

    async def quiz(
        self, brief: Brief, module: ModulePlan, lessons: dict[str, str]
    ) -> Result[QuizDraft]:
        return await self._llm.structured(
            f"quiz {module.key}",
            model_for(self._settings, Phase.QUIZ),
            prompts.quiz_messages(brief, module, lessons),
            QuizDraft,
            self._temperature,
        )

    async def chat(
        self,
        brief: Brief,
        history: Sequence[ChatTurn],
        lesson: LessonPlan | None,
        lesson_content: str | None,
        on_token: TokenSink,
    ) -> Result[ChatReplyDraft]:
        splitter = LessonBlockSplitter()

        async def forward_visible(token: str) -> None:
            visible = splitter.feed(token)
            if visible:
                await on_token(visible)

        result = await self._llm.stream_text(
            "chat",
            model_for(self._settings, Phase.CHAT),
            prompts.chat_messages(brief, history, lesson, lesson_content),
            self._temperature,
            forward_visible,
        )
        tail, split = splitter.finish()
        if tail:
            await on_token(tail)
        proposal = split.proposed_content
        cut_off = result.value.finish_reason == "length" and not split.closed
        if lesson is None or cut_off or (proposal and len(proposal) > PROPOSAL_LIMIT):
            # A proposal without an open lesson, or a truncated one, must never be applied.
            proposal = None
        reply = split.reply or (EDIT_ONLY_REPLY if proposal else "")
        if not reply:
            raise ProviderError("chat: the model returned an empty answer")
        return Result(
            ChatReplyDraft(reply=reply[:REPLY_LIMIT], proposed_content=proposal), result.usage
        )
