"""Subscribing: permission-checked per course, resumable from a seq, no gap and no duplicate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from app.core.permissions import Role
from app.realtime import events
from app.realtime.events import EventType
from app.realtime.hub import EventHub
from tests.factories import Factory
from tests.realtime.live import Client, emit, open_client, token_of


async def _token(factory: Factory, role: Role | None = None) -> tuple[Any, str]:
    user = await factory.user(role)
    return user, token_of(await factory.headers(user))


async def test_an_outsider_gets_an_error_and_keeps_the_socket(
    live_server: str, factory: Factory
) -> None:
    owner = await factory.user(Role.EDITOR)
    course = await factory.course(owner)
    _, token = await _token(factory)  # no global role, no membership
    async with open_client(live_server, token) as client:
        await client.send(type="subscribe", course_id=str(course.id), id="s1")
        error = await client.expect("error")
        assert error == {
            "type": "error",
            "error": "not_found",
            "detail": "No such course.",
            "id": "s1",
            "course_id": str(course.id),
        }
        await client.send(type="ping")
        await client.expect("pong")


async def test_a_course_viewer_and_a_global_viewer_may_subscribe(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner = await factory.user(Role.EDITOR)
    course = await factory.course(owner)
    member, member_token = await _token(factory)
    await factory.member(course, member, Role.VIEWER)
    _, viewer_token = await _token(factory, Role.VIEWER)
    async with (
        open_client(live_server, member_token) as first,
        open_client(live_server, viewer_token) as second,
    ):
        for client in (first, second):
            assert await client.subscribe(course.id) == {
                "type": "subscribed",
                "course_id": str(course.id),
                "after_seq": 0,
                "head": 0,
            }
        [seq] = await emit(app, course.id)
        for client in (first, second):
            [event] = await client.events(1)
            assert (event["seq"], event["type"], event["course_id"]) == (
                seq,
                "run.phase",
                str(course.id),
            )


async def test_resume_replays_missed_events_then_goes_live(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    await emit(app, course.id, 5)  # happened while the client was away
    async with open_client(live_server, token) as client:
        subscribed = await client.subscribe(course.id, after_seq=2)
        assert (subscribed["after_seq"], subscribed["head"]) == (2, 5)
        assert [e["seq"] for e in await client.events(3)] == [3, 4, 5]
        await emit(app, course.id, 3)
        assert [e["seq"] for e in await client.events(3)] == [6, 7, 8]
        await client.quiet()


async def test_no_gap_or_duplicate_while_events_keep_coming(
    live_server: str, factory: Factory, app: Any
) -> None:
    """Events emitted during the subscribe (between the Redis subscription, the log read
    and going live) arrive exactly once, in order."""
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    await emit(app, course.id, 20)
    producer = asyncio.create_task(emit(app, course.id, 60))
    async with open_client(live_server, token) as client:
        await asyncio.sleep(0.02)
        await client.subscribe(course.id, after_seq=0)
        await producer
        assert [e["seq"] for e in await client.events(80)] == list(range(1, 81))
        await client.quiet()


async def test_without_after_seq_only_new_events_arrive(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    await emit(app, course.id, 2)
    async with open_client(live_server, token) as client:
        assert (await client.subscribe(course.id))["after_seq"] == 2
        await emit(app, course.id)
        assert [e["seq"] for e in await client.events(1)] == [3]


async def test_a_publish_that_never_came_is_read_from_the_log(
    live_server: str, factory: Factory, app: Any
) -> None:
    """An event committed but not published (a worker died in between) shows up as a gap
    at the next event, and is then read from the log."""
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    async with open_client(live_server, token) as client:
        await client.subscribe(course.id, after_seq=0)
        async with app.state.sessions() as session:
            await events.append(session, course.id, None, EventType.RUN_STARTED, {"lost": True})
            await session.commit()
        await emit(app, course.id)
        delivered = await client.events(2)
        assert [(e["seq"], e["type"]) for e in delivered] == [(1, "run.started"), (2, "run.phase")]
        await client.quiet()


async def test_unsubscribe_stops_the_events(live_server: str, factory: Factory, app: Any) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    async with open_client(live_server, token) as client:
        await client.subscribe(course.id)
        await client.send(type="unsubscribe", course_id=str(course.id), id="u1")
        assert await client.expect("unsubscribed") == {
            "type": "unsubscribed",
            "course_id": str(course.id),
            "id": "u1",
        }
        await emit(app, course.id)
        await client.quiet()
        await client.send(type="unsubscribe", course_id=str(course.id))
        assert (await client.expect("error"))["error"] == "not_subscribed"


async def test_one_socket_follows_several_courses(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    first = await factory.course(owner, "First")
    second = await factory.course(owner, "Second")
    async with open_client(live_server, token) as client:
        await client.subscribe(first.id)
        await client.subscribe(second.id)
        await emit(app, first.id)
        await emit(app, second.id)
        got = {(e["course_id"], e["seq"]) for e in await client.events(2)}
        assert got == {(str(first.id), 1), (str(second.id), 1)}


async def test_after_seq_past_the_log_is_an_error(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    await emit(app, course.id, 2)
    async with open_client(live_server, token) as client:
        await client.send(type="subscribe", course_id=str(course.id), after_seq=9)
        error = await client.expect("error")
        assert (error["error"], error["head"]) == ("after_seq_ahead", 2)
        await emit(app, course.id)
        await client.quiet()  # not subscribed after the refusal


async def test_many_sockets_share_one_redis_subscription(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    clients = [open_client(live_server, token) for _ in range(20)]
    opened = [await c.__aenter__() for c in clients]
    try:
        for client in opened:
            await client.subscribe(course.id)
        channel = events.channel(app.state.keys, course.id)
        assert await app.state.redis.pubsub_numsub(channel) == [(channel, 1)]
        await emit(app, course.id, 3)
        for client in opened:
            assert [e["seq"] for e in await client.events(3)] == [1, 2, 3]
    finally:
        for c in clients:
            await c.__aexit__(None, None, None)


async def test_after_redis_reconnects_missed_events_come_from_the_log(
    live_server: str, factory: Factory, app: Any
) -> None:
    owner, token = await _token(factory, Role.EDITOR)
    course = await factory.course(owner)
    async with open_client(live_server, token) as client:
        await client.subscribe(course.id, after_seq=0)
        async with app.state.sessions() as session:  # committed while Redis was away
            await events.append(session, course.id, None, EventType.RUN_FAILED, {})
            await session.commit()
        hub = app.state.event_hub
        await hub._pubsub.connection.disconnect()  # the hub's one Redis connection drops
        [event] = await client.events(1)
        assert (event["seq"], event["type"]) == (1, "run.failed")
        await emit(app, course.id)  # and live delivery goes on
        assert [e["seq"] for e in await client.events(1)] == [2]


@pytest.fixture
async def own_hub(app: Any) -> AsyncIterator[EventHub]:
    """A hub for this test alone: closing it leaves the app's shared one running."""
    shared = app.state.event_hub
    app.state.event_hub = EventHub(app.state.redis, app.state.keys)
    try:
        yield app.state.event_hub
    finally:
        await app.state.event_hub.close()
        app.state.event_hub = shared


async def test_closing_the_hub_says_going_away(
    live_server: str, factory: Factory, own_hub: EventHub
) -> None:
    """What the app's shutdown does once it closes the hub: sockets are told to come back."""
    _, token = await _token(factory, Role.EDITOR)
    async with open_client(live_server, token) as client:
        await own_hub.close()
        code, frames = await client.closed()
    assert (code, frames) == (1001, [])


async def test_a_socket_arriving_after_the_hub_closed_is_told_to_come_back(
    live_server: str, factory: Factory, own_hub: EventHub
) -> None:
    """Signed in while the app shuts down: refused with 1001, and Redis is not resubscribed."""
    _, token = await _token(factory, Role.EDITOR)
    await own_hub.close()
    async with connect(f"{live_server}/api/v1/ws") as ws:
        client = Client(ws)
        await client.send(type="auth", token=token)
        await client.expect("authenticated")
        code, frames = await client.closed()
    assert (code, frames) == (1001, [])
    assert own_hub._pubsub is None
