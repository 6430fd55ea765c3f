"""The courses feed: a notice per run or review event of any course a socket may read, for
the dashboard and the review queue; nothing of courses it may not read, nothing after it
stops watching, and memberships read again when the token is renewed."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from app.core.permissions import Role
from app.realtime import events
from app.realtime.events import EventType
from tests.factories import Factory
from tests.realtime.live import Client, open_client, token_of


async def _emit(app: Any, course_id: uuid.UUID, event_type: EventType) -> None:
    state = app.state
    await events.emit(state.sessions, state.redis, state.keys, course_id, None, event_type, {})


async def _watch(client: Client) -> None:
    await client.send(type="watch", id="w1")
    assert await client.expect("watching") == {"type": "watching", "id": "w1"}


async def test_watchers_hear_of_the_courses_they_may_read_and_only_of_those(
    live_server: str, app: Any, factory: Factory
) -> None:
    editor, outsider = await factory.user(Role.EDITOR), await factory.user(None)
    mine, theirs = await factory.course(editor), await factory.course(editor)
    await factory.member(mine, outsider, Role.VIEWER)
    async with (
        open_client(live_server, token_of(await factory.headers(editor))) as everything,
        open_client(live_server, token_of(await factory.headers(outsider))) as member,
    ):
        await _watch(everything)
        await _watch(member)

        await _emit(app, theirs.id, EventType.REVIEW_REQUESTED)
        await _emit(app, mine.id, EventType.RUN_WAITING)
        # Streamed text and costs are not for lists: not on the feed.
        await _emit(app, mine.id, EventType.LESSON_TOKENS)
        await _emit(app, mine.id, EventType.COST_UPDATED)
        await _emit(app, mine.id, EventType.DECISION_MADE)

        seen = [await everything.expect("feed") for _ in range(3)]
        assert [(f["course_id"], f["event"]) for f in seen] == [
            (str(theirs.id), "review.requested"),
            (str(mine.id), "run.waiting"),
            (str(mine.id), "review.decided"),
        ]
        seen = [await member.expect("feed") for _ in range(2)]
        assert [(f["course_id"], f["event"]) for f in seen] == [
            (str(mine.id), "run.waiting"),
            (str(mine.id), "review.decided"),
        ]
        await everything.quiet()
        await member.quiet()


async def test_unwatching_stops_the_notices(live_server: str, app: Any, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    async with open_client(live_server, token_of(await factory.headers(editor))) as client:
        await _watch(client)
        await client.send(type="unwatch", id="u1")
        assert await client.expect("unwatched") == {"type": "unwatched", "id": "u1"}
        await _emit(app, course.id, EventType.RUN_STARTED)
        await client.quiet()
        await client.send(type="unwatch")  # not watching: answered all the same
        await client.expect("unwatched")


async def test_a_membership_shows_on_the_feed_once_the_token_is_renewed(
    live_server: str, app: Any, factory: Factory
) -> None:
    editor, newcomer = await factory.user(Role.EDITOR), await factory.user(None)
    course = await factory.course(editor)
    async with open_client(live_server, token_of(await factory.headers(newcomer))) as client:
        await _watch(client)
        await _emit(app, course.id, EventType.RUN_STARTED)
        await client.quiet()

        await factory.member(course, newcomer, Role.REVIEWER)
        await client.send(type="auth", token=token_of(await factory.headers(newcomer)))
        await client.expect("authenticated")
        await _emit(app, course.id, EventType.REVIEW_REQUESTED)
        notice = await client.expect("feed")
        assert (notice["course_id"], notice["event"]) == (str(course.id), "review.requested")


async def test_a_socket_that_closes_leaves_the_feed(
    live_server: str, app: Any, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    token = token_of(await factory.headers(editor))
    hub, feed = app.state.event_hub, events.feed_channel(app.state.keys)
    async with open_client(live_server, token) as other:
        await other.subscribe(course.id)  # keeps the hub running throughout
        async with open_client(live_server, token) as client:
            await _watch(client)
            assert feed in hub._channels
        deadline = asyncio.get_running_loop().time() + 5
        while feed in hub._channels:  # the server notices the close a moment later
            assert asyncio.get_running_loop().time() < deadline, "the feed kept its listener"
            await asyncio.sleep(0.02)
