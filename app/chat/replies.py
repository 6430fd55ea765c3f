"""The worker's side of chat: what the model is shown, and storing what it answered."""

from __future__ import annotations

import difflib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.chat import repository
from app.chat.models import ChatMessage, ChatRole, LessonSuggestion
from app.chat.service import message_payload, suggestion_payload
from app.lessons.models import Lesson
from app.lessons.schemas import LessonContent
from app.realtime.events import EventType, append
from app.realtime.models import WorkflowEvent
from app.workflow.providers.base import ChatTurn
from app.workflow.schemas import Brief, ChatReplyDraft, LessonPlan

log = logging.getLogger("courzly.chat")
HISTORY_MESSAGES = 12  # enough context for a conversation, bounded prompt size
# Reply ids derive from the question's id, so a retried job finds its earlier answer.
_REPLY_IDS = uuid.UUID("6f0e7d5c-1d1b-4b8e-9a55-0c3f6f1b2a10")
_LESSON_CONTENT: TypeAdapter[str] = TypeAdapter(LessonContent)
_FORM_FIELDS = ("audience", "level", "duration_minutes", "tone", "source_material", "language")


@dataclass(frozen=True)
class ReplyRequest:
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None
    message_id: uuid.UUID
    reply_id: uuid.UUID
    brief: Brief
    history: list[ChatTurn]
    lesson_plan: LessonPlan | None
    lesson_content: str | None


def reply_id_for(message_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_REPLY_IDS, str(message_id))


def brief_for(title: str, raw: dict[str, Any]) -> Brief:
    """The course brief as a run stored it; before any run, one built from the title and
    what the course form holds (`learning_objectives` there): chat works either way."""
    try:
        return Brief.model_validate(raw)
    except ValidationError:
        pass
    usable = {key: raw[key] for key in _FORM_FIELDS if raw.get(key)}
    objectives = raw.get("objectives") or raw.get("learning_objectives")
    if objectives:
        usable["objectives"] = objectives
    fallback = {"title": title, "audience": "learners", "objectives": [f"Understand {title}"]}
    try:
        return Brief.model_validate({**fallback, **usable})
    except ValidationError:
        return Brief.model_validate(fallback)


def lesson_plan(lesson: Lesson) -> LessonPlan:
    objectives = [o for o in lesson.objectives if o.strip()][:10] or [lesson.title]
    return LessonPlan(
        key=lesson.workflow_key or f"lesson-{lesson.id}", title=lesson.title, objectives=objectives
    )


async def reply_request(
    session: AsyncSession, course_id: uuid.UUID, message_id: uuid.UUID
) -> ReplyRequest | None:
    """None when there is nothing to answer: the message is gone, or already answered."""
    message = await repository.get_message(session, message_id)
    if message is None or message.course_id != course_id or message.role is not ChatRole.USER:
        return None
    reply_id = reply_id_for(message_id)
    if await repository.get_message(session, reply_id) is not None:
        return None
    course = await repository.course_title_and_brief(session, course_id)
    if course is None:
        return None
    lesson = None
    if message.lesson_id is not None:
        lesson = await repository.live_lesson(session, course_id, message.lesson_id)
    turns = await repository.thread(
        session, course_id, message.lesson_id, message.created_at, HISTORY_MESSAGES
    )
    return ReplyRequest(
        course_id=course_id,
        lesson_id=message.lesson_id,
        message_id=message_id,
        reply_id=reply_id,
        brief=brief_for(*course),
        history=[ChatTurn(t.role.value, t.content) for t in turns if t.role is not ChatRole.SYSTEM],
        lesson_plan=lesson_plan(lesson) if lesson else None,
        lesson_content=lesson.content if lesson else None,
    )


def unified_diff(before: str, after: str, version: int) -> str:
    lines = difflib.unified_diff(
        before.splitlines(),
        after.splitlines(),
        fromfile=f"lesson v{version}",
        tofile="suggestion",
        lineterm="",
    )
    return "\n".join(lines) + "\n"


async def store_reply(
    session: AsyncSession, request: ReplyRequest, draft: ChatReplyDraft
) -> list[WorkflowEvent]:
    """The assistant's message, and a suggestion when it proposed new lesson text."""
    reply = await _store(session, request, ChatRole.ASSISTANT, draft.reply)
    events = [await _announce(session, request, reply)]
    if draft.proposed_content is not None and request.lesson_id is not None:
        suggestion = await _suggest(session, request, reply, draft.proposed_content)
        if suggestion is not None:
            events.append(
                await append(
                    session,
                    request.course_id,
                    None,
                    EventType.SUGGESTION_CREATED,
                    suggestion_payload(suggestion),
                )
            )
    return events


async def store_failure(
    session: AsyncSession, request: ReplyRequest, reason: str
) -> list[WorkflowEvent]:
    """The model gave no usable answer: say so in the conversation instead of silence."""
    text = f"The assistant could not answer: {reason}"[:2000]
    notice = await _store(session, request, ChatRole.SYSTEM, text)
    return [await _announce(session, request, notice)]


async def _store(
    session: AsyncSession, request: ReplyRequest, role: ChatRole, content: str
) -> ChatMessage:
    message = ChatMessage(
        id=request.reply_id,
        course_id=request.course_id,
        lesson_id=request.lesson_id,
        user_id=None,
        role=role,
        content=content,
    )
    session.add(message)
    await session.flush()
    return message


async def _announce(
    session: AsyncSession, request: ReplyRequest, message: ChatMessage
) -> WorkflowEvent:
    payload = {**message_payload(message), "reply_to": str(request.message_id)}
    return await append(session, request.course_id, None, EventType.CHAT_MESSAGE, payload)


async def _suggest(
    session: AsyncSession, request: ReplyRequest, reply: ChatMessage, proposed: str
) -> LessonSuggestion | None:
    assert request.lesson_id is not None
    # Read again: the lesson may have been edited while the model was writing, and the
    # diff and base version must describe the text the suggestion would replace.
    lesson = await repository.live_lesson(session, request.course_id, request.lesson_id)
    if lesson is None:
        return None
    try:
        content = _LESSON_CONTENT.validate_python(proposed)
    except ValidationError as exc:
        log.warning("proposed lesson text refused", extra={"reason": str(exc)[:300]})
        return None
    if content == lesson.content:
        return None
    suggestion = LessonSuggestion(
        course_id=request.course_id,
        lesson_id=lesson.id,
        message_id=reply.id,
        base_version=lesson.version,
        content=content,
        diff=unified_diff(lesson.content, content, lesson.version),
    )
    session.add(suggestion)
    await session.flush()
    return suggestion
