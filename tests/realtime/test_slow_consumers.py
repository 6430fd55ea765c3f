"""A client that stops reading is dropped with its resume point; the others are not held up."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from app.core.permissions import Role
from app.realtime import events
from app.realtime import socket as socket_session
from app.realtime.connection import Limits
from tests.factories import Factory
from tests.realtime.live import Client, open_client, token_of

LAGGED = 4008
EVENTS = 600
PAYLOAD = "x" * 8000


@pytest.fixture
def small_limits(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Limits]:
    # The goodbye waits for the stalled client to read again, which it does only once the
    # fast client has everything.
    monkeypatch.setattr(socket_session, "GOODBYE_TIMEOUT_SECONDS", 30.0)
    limits = Limits(max_pending=50, replay_page=20)
    app.state.realtime_limits = limits
    yield limits
    del app.state.realtime_limits


def _tiny_buffer_socket(port: int) -> socket.socket:
    """A client socket with a small receive buffer, so an unread stream backs up fast."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


def _stalled(port: int) -> dict[str, Any]:
    """A client that reads (almost) nothing: a tiny receive buffer, a one-frame queue, and
    no compression (our repetitive payloads would otherwise shrink to nothing)."""
    return {"sock": _tiny_buffer_socket(port), "max_queue": 1, "compression": None}


async def _publish(app: Any, course_id: Any, seqs: range) -> None:
    """Straight to Redis (no log rows): only the live path is under test here."""
    channel = events.channel(app.state.keys, course_id)
    for start in range(seqs.start, seqs.stop, 100):
        async with app.state.redis.pipeline(transaction=False) as pipe:
            for seq in range(start, min(start + 100, seqs.stop)):
                message = {
                    "seq": seq,
                    "course_id": str(course_id),
                    "type": "run.phase",
                    "payload": {"pad": PAYLOAD},
                    "run_id": None,
                    "created_at": "",
                }
                pipe.publish(channel, orjson.dumps(message))
            await pipe.execute()
        await asyncio.sleep(0)


async def test_a_client_that_stops_reading_is_dropped_with_its_resume_point(
    live_server: str, factory: Factory, app: Any, small_limits: Limits
) -> None:
    owner = await factory.user(Role.EDITOR)
    token = token_of(await factory.headers(owner))
    course = await factory.course(owner)
    port = int(live_server.rsplit(":", 1)[1])
    async with (
        open_client(live_server, token) as fast,
        open_client(live_server, token, **_stalled(port)) as slow,
    ):
        await fast.subscribe(course.id, after_seq=0)
        await slow.subscribe(course.id, after_seq=0)
        publisher = asyncio.create_task(_publish(app, course.id, range(1, EVENTS + 1)))
        received = [e["seq"] for e in await fast.events(EVENTS, wait=20)]
        await publisher
        assert received == list(range(1, EVENTS + 1))

        code, frames = await Client(slow.ws).closed(wait=20)
    assert code == LAGGED
    seen = [f["event"]["seq"] for f in frames if f["type"] == "event"]
    assert seen == list(range(1, len(seen) + 1))
    assert len(seen) < EVENTS
    assert frames[-1]["type"] == "lagged"
    # Under load the drop may come before the first frame went out: resume from 0 then.
    last_seen = seen[-1] if seen else 0
    assert frames[-1]["resume"] == [{"course_id": str(course.id), "after_seq": last_seen}]
