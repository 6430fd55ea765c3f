"""Presence: who has a course open and doing what, told to everyone following the course,
and gone when they leave, unsubscribe, or their API process stops refreshing it."""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson

from app.core.permissions import Role
from app.realtime import presence
from tests.factories import Factory
from tests.realtime.live import Client, open_client, token_of


async def _follower(factory: Factory, role: Role, name: str) -> tuple[Any, str]:
    user = await factory.user(role)
    async with factory.sessions() as session:
        stored = await session.get(type(user), user.id)
        stored.display_name = name
        await session.commit()
    return user, token_of(await factory.headers(user))


def _people(frame: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(p["display_name"], p["state"], p["lesson_id"]) for p in frame["people"]]


async def _next_presence(client: Client) -> dict[str, Any]:
    return await client.expect("presence")


async def test_everyone_following_the_course_sees_who_is_here_and_what_they_do(
    live_server: str, factory: Factory
) -> None:
    author, author_token = await _follower(factory, Role.EDITOR, "Ann")
    _, reviewer_token = await _follower(factory, Role.REVIEWER, "Bob")
    course = await factory.course(author)
    lesson_id = uuid.uuid4()
    async with (
        open_client(live_server, author_token) as ann,
        open_client(live_server, reviewer_token) as bob,
    ):
        await ann.subscribe(course.id)
        await bob.subscribe(course.id)
        await ann.send(
            type="presence", course_id=str(course.id), state="editing", lesson_id=str(lesson_id)
        )
        for client in (ann, bob):
            frame = await _next_presence(client)
            assert frame["course_id"] == str(course.id)
            assert _people(frame) == [("Ann", "editing", str(lesson_id))]
        await bob.send(type="presence", course_id=str(course.id), state="viewing")
        for client in (ann, bob):
            assert _people(await _next_presence(client)) == [
                ("Ann", "editing", str(lesson_id)),
                ("Bob", "viewing", None),
            ]
    async with open_client(live_server, reviewer_token) as bob_again:
        await bob_again.subscribe(course.id)
        await bob_again.send(type="presence", course_id=str(course.id), state="viewing")
        # Lists announced as the earlier sockets left may come first; this socket's own
        # announcement ends with only Bob here.
        people = _people(await _next_presence(bob_again))
        while people != [("Bob", "viewing", None)]:
            people = _people(await _next_presence(bob_again))


async def test_unsubscribing_leaves_and_the_others_are_told(
    live_server: str, factory: Factory
) -> None:
    author, author_token = await _follower(factory, Role.EDITOR, "Ann")
    _, reviewer_token = await _follower(factory, Role.REVIEWER, "Bob")
    course = await factory.course(author)
    async with (
        open_client(live_server, author_token) as ann,
        open_client(live_server, reviewer_token) as bob,
    ):
        await ann.subscribe(course.id)
        await bob.subscribe(course.id)
        await ann.send(type="presence", course_id=str(course.id), state="viewing")
        await _next_presence(ann)
        await _next_presence(bob)
        await ann.send(type="unsubscribe", course_id=str(course.id))
        assert _people(await _next_presence(bob)) == []


async def test_presence_needs_the_course_followed_on_that_socket(
    live_server: str, factory: Factory
) -> None:
    author, token = await _follower(factory, Role.EDITOR, "Ann")
    course = await factory.course(author)
    async with open_client(live_server, token) as client:
        await client.send(type="presence", course_id=str(course.id), state="viewing", id="p1")
        error = await client.expect("error")
        assert (error["error"], error["id"]) == ("not_subscribed", "p1")
        await client.send(type="presence", course_id=str(course.id), state="dancing")
        assert (await client.expect("error"))["error"] == "validation_error"


async def test_entries_of_a_process_that_stopped_refreshing_fade_out(
    live_server: str, factory: Factory, app: Any
) -> None:
    author, token = await _follower(factory, Role.EDITOR, "Ann")
    course = await factory.course(author)
    redis, keys = app.state.redis, app.state.keys
    ghost = {
        "user_id": str(uuid.uuid4()),
        "display_name": "Ghost",
        "state": "editing",
        "lesson_id": None,
        "expires": time.time() - 1,
    }
    await redis.hset(keys("presence", str(course.id)), "dead-socket", orjson.dumps(ghost))
    async with open_client(live_server, token) as observer:
        await observer.subscribe(course.id)
        async with open_client(live_server, token) as client:
            await client.subscribe(course.id)
            await client.send(type="presence", course_id=str(course.id), state="viewing")
            assert _people(await _next_presence(client)) == [("Ann", "viewing", None)]
            await _next_presence(observer)
        assert _people(await _next_presence(observer)) == []  # cleared as the socket closed
    assert await presence.people(redis, keys, course.id) == []
