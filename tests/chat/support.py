"""A fake course writer for chat, and the setup most chat tests share."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.chat import service as chat
from app.chat.dependencies import job_queue
from app.chat.jobs import chat_reply
from app.chat.models import ChatMessage, LessonSuggestion
from app.chat.replies import reply_id_for
from app.core.jobs import JobContext
from app.core.permissions import Permission, Role
from app.courses import service as courses
from app.courses.models import Course
from app.lessons.models import Lesson
from app.users.models import User
from app.workflow.providers.base import ChatTurn, ProviderError, Result, TokenSink
from app.workflow.schemas import Brief, ChatReplyDraft, LessonPlan
from tests.factories import Factory


@dataclass
class FakeWriter:
    """Implements CourseWriter.chat: streams `reply` in small tokens, then answers."""

    reply: str = "Try a shorter first sentence."
    proposed: str | None = None
    token_size: int = 4
    delay: float = 0.0
    fail_with: str | None = None
    offline: bool = True
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def chat(
        self,
        brief: Brief,
        history: Sequence[ChatTurn],
        lesson: LessonPlan | None,
        lesson_content: str | None,
        on_token: TokenSink,
    ) -> Result[ChatReplyDraft]:
        self.calls.append(
            {"brief": brief, "history": list(history), "lesson": lesson, "content": lesson_content}
        )
        if self.fail_with:
            raise ProviderError(self.fail_with)
        for start in range(0, len(self.reply), self.token_size):
            await on_token(self.reply[start : start + self.token_size])
            if self.delay:
                await asyncio.sleep(self.delay)
        return Result(ChatReplyDraft(reply=self.reply, proposed_content=self.proposed))


def job_context(app: Any) -> JobContext:
    state = app.state
    return JobContext(
        settings=state.settings,
        engine=state.engine,
        sessions=state.sessions,
        redis=state.redis,
        keys=state.keys,
        queue=job_queue(state),
    )


@dataclass
class Scene:
    editor: User
    headers: dict[str, str]
    course: Course
    lesson: Lesson


async def scene(factory: Factory) -> Scene:
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    course = await factory.course(editor)
    _, lesson = await factory.lesson(course, editor)
    return Scene(editor, headers, course, lesson)


async def ask(
    app: Any, who: User, course_id: uuid.UUID, text: str, lesson_id: uuid.UUID | None = None
) -> ChatMessage:
    """A user's chat message, stored as the socket stores it."""
    async with app.state.sessions() as session:
        access = await courses.authorize(session, who, course_id, Permission.CHAT_SEND)
        message, _ = await chat.post_message(session, access, lesson_id, text)
        await session.commit()
    return message


async def answer(app: Any, message: ChatMessage, writer: FakeWriter) -> None:
    await chat_reply(
        job_context(app),
        course_id=str(message.course_id),
        message_id=str(message.id),
        writer=writer,
    )


async def suggestion_for(app: Any, s: Scene, proposed: str = "<p>Hello, learners</p>") -> str:
    """A proposed suggestion for the scene's lesson, made the way the job makes it."""
    message = await ask(app, s.editor, s.course.id, "Make it friendlier", s.lesson.id)
    await answer(app, message, FakeWriter(reply="Done.", proposed=proposed))
    async with app.state.sessions() as session:
        found = await session.scalar(
            select(LessonSuggestion.id).where(
                LessonSuggestion.message_id == reply_id_for(message.id)
            )
        )
    assert found is not None
    return str(found)
