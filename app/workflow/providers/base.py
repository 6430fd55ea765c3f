"""The one interface the workflow talks to: a course writer with one method per task.

Two implementations: `OpenAIWriter` (the official `openai` client, any compatible server)
and `OfflineWriter` (deterministic drafts from the brief, used only without an API key).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from app.config import Settings
from app.workflow.schemas import (
    Brief,
    ChatReplyDraft,
    LessonPlan,
    ModulePlan,
    Outline,
    OutlineDraft,
    QuizDraft,
)

T = TypeVar("T")
TokenSink = Callable[[str], Awaitable[None]]
# A structured answer streamed as it is written: (attempt, text). A retry or a repair round
# is a new attempt, whose text starts over, so listeners drop what the last one sent.
AttemptSink = Callable[[int, str], Awaitable[None]]


class Phase(StrEnum):
    OUTLINE = "outline"
    LESSON = "lesson"
    QUIZ = "quiz"
    CHAT = "chat"


@dataclass(frozen=True)
class Usage:
    """One model call, for the token ledger (cost comes from the price table)."""

    model: str
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class Result(Generic[T]):
    value: T
    usage: tuple[Usage, ...] = ()  # every call made, retries and repairs included


@dataclass(frozen=True)
class ChatTurn:
    role: str  # "user" | "assistant"
    content: str


class ProviderError(Exception):
    """A step could not get a usable answer; the message says why, for the run's error."""

    def __init__(self, message: str, usage: tuple[Usage, ...] = ()) -> None:
        super().__init__(message)
        self.usage = usage  # calls already paid for before giving up, for the token ledger


class CourseWriter(Protocol):
    offline: bool

    async def outline(
        self, brief: Brief, feedback: Sequence[str], on_token: AttemptSink | None = None
    ) -> Result[OutlineDraft]: ...

    async def lesson(
        self,
        brief: Brief,
        outline: Outline,
        lesson: LessonPlan,
        feedback: Sequence[str],
        on_token: TokenSink,
    ) -> Result[str]: ...

    async def quiz(
        self, brief: Brief, module: ModulePlan, lessons: dict[str, str]
    ) -> Result[QuizDraft]: ...

    async def chat(
        self,
        brief: Brief,
        history: Sequence[ChatTurn],
        lesson: LessonPlan | None,
        lesson_content: str | None,
        on_token: TokenSink,
    ) -> Result[ChatReplyDraft]: ...


def model_for(settings: Settings, phase: Phase) -> str:
    """The configured model for a phase (OPENAI_MODEL_OUTLINE, _LESSON, _QUIZ, _CHAT)."""
    return {
        Phase.OUTLINE: settings.model_outline,
        Phase.LESSON: settings.model_lesson,
        Phase.QUIZ: settings.model_quiz,
        Phase.CHAT: settings.model_chat,
    }[phase]
