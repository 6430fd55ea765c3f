"""The chat.reply job: tokens streamed as batched events, the answer stored, suggestions made."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from app.chat.models import ChatMessage, ChatRole, LessonSuggestion, SuggestionStatus
from app.chat.replies import reply_id_for
from app.courses.models import Course
from app.realtime.models import WorkflowEvent
from app.workflow.schemas import ChatReplyDraft
from tests.chat.support import FakeWriter, answer, ask, scene
from tests.factories import Factory

REPLY = "Open with a question, then show one small example before the rule. " * 6


async def _events(app: Any, course_id: Any) -> list[WorkflowEvent]:
    async with app.state.sessions() as session:
        query = select(WorkflowEvent).where(WorkflowEvent.course_id == course_id)
        return list(await session.scalars(query.order_by(WorkflowEvent.seq)))


async def _messages(app: Any, course_id: Any) -> list[ChatMessage]:
    async with app.state.sessions() as session:
        query = select(ChatMessage).where(ChatMessage.course_id == course_id)
        return list(await session.scalars(query.order_by(ChatMessage.created_at)))


async def _suggestions(app: Any, course_id: Any) -> list[LessonSuggestion]:
    async with app.state.sessions() as session:
        query = select(LessonSuggestion).where(LessonSuggestion.course_id == course_id)
        return list(await session.scalars(query))


async def test_tokens_stream_in_batches_and_the_reply_is_stored(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    message = await ask(app, s.editor, s.course.id, "How do I start this lesson?", s.lesson.id)
    writer = FakeWriter(reply=REPLY, proposed="<p>Hello, learners</p>\n<p>Hi</p>")
    await answer(app, message, writer)

    logged = await _events(app, s.course.id)
    tokens = [e for e in logged if e.type == "chat.tokens"]
    token_count = len(REPLY) // writer.token_size
    assert 1 < len(tokens) < token_count // 10  # batched, not one row per token
    assert "".join(e.payload["text"] for e in tokens) == REPLY
    assert [e.payload["part"] for e in tokens] == list(range(len(tokens)))
    reply_id = str(reply_id_for(message.id))
    assert {e.payload["message_id"] for e in tokens} == {reply_id}
    assert [e.type for e in logged] == [
        "chat.message",
        *["chat.tokens"] * len(tokens),
        "chat.message",
        "suggestion.created",
    ]
    assert [e.seq for e in logged] == list(range(1, len(logged) + 1))
    assert logged[-2].payload | {"content": "..."} == {
        "message_id": reply_id,
        "reply_to": str(message.id),
        "lesson_id": str(s.lesson.id),
        "user_id": None,
        "role": "assistant",
        "content": "...",
    }

    _, reply = await _messages(app, s.course.id)
    assert (reply.role, reply.content, str(reply.id)) == (ChatRole.ASSISTANT, REPLY, reply_id)
    [call] = writer.calls
    assert [(t.role, t.content) for t in call["history"]] == [
        ("user", "How do I start this lesson?")
    ]
    assert call["brief"].title == s.course.title
    assert (call["lesson"].title, call["content"]) == ("First steps", "<p>Hi</p>")


async def test_a_proposed_edit_becomes_a_suggestion_with_a_diff(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    message = await ask(app, s.editor, s.course.id, "Friendlier please", s.lesson.id)
    await answer(app, message, FakeWriter(proposed="<p>Hello, learners</p>\n<p>Hi</p>"))
    [suggestion] = await _suggestions(app, s.course.id)
    assert suggestion.status is SuggestionStatus.PROPOSED
    assert (suggestion.lesson_id, suggestion.base_version) == (s.lesson.id, 1)
    assert suggestion.message_id == reply_id_for(message.id)
    assert suggestion.diff.splitlines() == [
        "--- lesson v1",
        "+++ suggestion",
        "@@ -1 +1,2 @@",
        "+<p>Hello, learners</p>",
        " <p>Hi</p>",
    ]
    created = (await _events(app, s.course.id))[-1]
    assert created.payload == {
        "suggestion_id": str(suggestion.id),
        "lesson_id": str(s.lesson.id),
        "message_id": str(suggestion.message_id),
        "base_version": 1,
        "status": "proposed",
    }


async def test_a_retried_job_answers_once(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    message = await ask(app, s.editor, s.course.id, "Again?", s.lesson.id)
    await answer(app, message, FakeWriter(proposed="<p>New</p>"))
    second = FakeWriter(proposed="<p>Newer</p>")
    await answer(app, message, second)
    assert second.calls == []
    assert len(await _messages(app, s.course.id)) == 2
    assert len(await _suggestions(app, s.course.id)) == 1


async def test_no_suggestion_without_a_lesson_or_a_change(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    general = await ask(app, s.editor, s.course.id, "Is the course too long?")
    await answer(app, general, FakeWriter(proposed="<p>Whole new text</p>"))
    same = await ask(app, s.editor, s.course.id, "Change nothing", s.lesson.id)
    await answer(app, same, FakeWriter(proposed="<p>Hi</p>"))
    assert await _suggestions(app, s.course.id) == []
    assert len(await _messages(app, s.course.id)) == 4
    # Text that could not be stored never gets this far: the reply model refuses it, and
    # the OpenAI writer drops control characters as they stream (tests/workflow).
    with pytest.raises(ValidationError):
        ChatReplyDraft(reply="ok", proposed_content="nul \x00 inside")


async def test_the_conversation_of_a_lesson_is_its_history(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    await answer(app, await ask(app, s.editor, s.course.id, "one", s.lesson.id), FakeWriter("A1"))
    await ask(app, s.editor, s.course.id, "elsewhere")  # the course's general thread
    writer = FakeWriter("A2")
    await answer(app, await ask(app, s.editor, s.course.id, "two", s.lesson.id), writer)
    history = [(t.role, t.content) for t in writer.calls[0]["history"]]
    assert history == [("user", "one"), ("assistant", "A1"), ("user", "two")]


async def test_a_stored_brief_is_used(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    brief = {"title": "Stored", "audience": "nurses", "objectives": ["Triage"]}
    async with app.state.sessions() as session:
        await session.execute(update(Course).where(Course.id == s.course.id).values(brief=brief))
        await session.commit()
    writer = FakeWriter()
    await answer(app, await ask(app, s.editor, s.course.id, "Hi"), writer)
    used = writer.calls[0]["brief"]
    assert (used.title, used.audience, used.objectives) == ("Stored", "nurses", ["Triage"])


async def test_a_provider_failure_is_said_in_the_conversation(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    message = await ask(app, s.editor, s.course.id, "Hello?", s.lesson.id)
    await answer(app, message, FakeWriter(fail_with="the model timed out"))
    notice = (await _messages(app, s.course.id))[-1]
    assert notice.role is ChatRole.SYSTEM
    assert notice.content == "The assistant could not answer: the model timed out"
    assert (await _events(app, s.course.id))[-1].payload["role"] == "system"


async def test_slow_tokens_are_flushed_about_every_100_ms(app: Any, factory: Factory) -> None:
    s = await scene(factory)
    message = await ask(app, s.editor, s.course.id, "Slowly")
    await answer(app, message, FakeWriter(reply="abcdefgh", token_size=1, delay=0.06))
    tokens = [e for e in await _events(app, s.course.id) if e.type == "chat.tokens"]
    assert 2 <= len(tokens) <= 6
    assert "".join(e.payload["text"] for e in tokens) == "abcdefgh"
