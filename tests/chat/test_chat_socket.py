"""chat.send over the socket: stored, announced, and a reply job queued (never a model call)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.chat.dependencies import job_queue
from app.chat.models import ChatMessage, ChatRole
from app.core.permissions import Role
from tests.chat.support import FakeWriter, answer, scene
from tests.factories import Factory
from tests.realtime.live import Client, open_client, token_of


async def _send(client: Client, course_id: Any, **fields: Any) -> dict[str, Any]:
    await client.send(type="chat.send", course_id=str(course_id), id="m1", **fields)
    return await client.recv()


async def test_a_message_is_stored_announced_and_its_reply_queued(
    live_server: str, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    async with open_client(live_server, token_of(s.headers)) as client:
        await client.subscribe(s.course.id)
        await client.send(
            type="chat.send",
            course_id=str(s.course.id),
            lesson_id=str(s.lesson.id),
            text="Can this be shorter?",
            id="m1",
        )
        frames = {f["type"]: f for f in [await client.recv(), await client.recv()]}
        accepted, event = frames["chat.accepted"], frames["event"]["event"]
        assert accepted["id"] == "m1"
        assert (event["type"], event["seq"], accepted["seq"]) == ("chat.message", 1, 1)
        assert event["payload"] == {
            "message_id": accepted["message_id"],
            "lesson_id": str(s.lesson.id),
            "user_id": str(s.editor.id),
            "role": "user",
            "content": "Can this be shorter?",
        }
        async with app.state.sessions() as session:
            stored = await session.get(ChatMessage, uuid.UUID(accepted["message_id"]))
        assert stored is not None
        assert (stored.role, stored.content) == (ChatRole.USER, "Can this be shorter?")

        job = await job_queue(app.state).saq.job(f"chat.reply:{stored.id}")
        assert job is not None
        assert job.function == "chat.reply"
        assert job.kwargs == {"course_id": str(s.course.id), "message_id": str(stored.id)}

        # What the worker then does reaches the socket as events.
        await answer(app, stored, FakeWriter(reply="Yes: " + "x" * 300, proposed="<p>Hey</p>"))
        kinds = []
        while not kinds or kinds[-1] != "suggestion.created":
            kinds.append((await client.expect("event"))["event"]["type"])
    assert kinds[0] == "chat.tokens"
    assert kinds[-2:] == ["chat.message", "suggestion.created"]


async def test_a_course_reviewer_may_chat(live_server: str, factory: Factory, app: Any) -> None:
    s = await scene(factory)
    reviewer = await factory.user()
    await factory.member(s.course, reviewer, Role.REVIEWER)
    async with open_client(live_server, token_of(await factory.headers(reviewer))) as client:
        assert (await _send(client, s.course.id, text="Looks good"))["type"] == "chat.accepted"


@pytest.mark.parametrize(
    ("who", "error", "detail"),
    [
        ("viewer", "forbidden", "You do not have permission to do this."),
        ("outsider", "not_found", "No such course."),
    ],
)
async def test_who_may_not_chat(
    live_server: str, factory: Factory, app: Any, who: str, error: str, detail: str
) -> None:
    s = await scene(factory)
    user = await factory.user()
    if who == "viewer":
        await factory.member(s.course, user, Role.VIEWER)
    async with open_client(live_server, token_of(await factory.headers(user))) as client:
        refused = await _send(client, s.course.id, text="Hello")
        assert (refused["type"], refused["error"], refused["detail"]) == ("error", error, detail)
        assert (refused["id"], refused["course_id"]) == ("m1", str(s.course.id))
    async with app.state.sessions() as session:
        assert list(await session.scalars(select(ChatMessage))) == []


async def test_a_lesson_must_belong_to_the_course(
    live_server: str, factory: Factory, app: Any
) -> None:
    s = await scene(factory)
    other = await factory.course(s.editor, "Other")
    _, foreign = await factory.lesson(other, s.editor)
    async with open_client(live_server, token_of(s.headers)) as client:
        for lesson_id in (foreign.id, uuid.uuid4()):
            refused = await _send(client, s.course.id, lesson_id=str(lesson_id), text="Hi")
            assert (refused["error"], refused["detail"]) == (
                "not_found",
                "No such lesson in this course.",
            )
