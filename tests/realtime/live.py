"""A real server for socket tests, and a small client for the protocol.

The server is uvicorn in this process, on the tests' event loop, serving the session's app
(whose engine and Redis belong to that loop): real TCP and real WebSocket frames without a
second copy of the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.core import security
from app.realtime import events
from app.realtime.events import EventType
from app.realtime.models import WorkflowEvent

RECV_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # Ctrl-C stays pytest's
        yield


@pytest.fixture(scope="session")
async def live_server(app: Any) -> AsyncIterator[str]:
    """The base ws:// URL of the in-process server."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the test server did not start"
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def short_token(settings: Any, headers: dict[str, str], ttl_seconds: int) -> str:
    """A token for the same sign-in as `headers`, expiring sooner."""
    claims = security.decode_access_token(settings.jwt_secret_value(), token_of(headers))
    return security.issue_access_token(
        settings.jwt_secret_value(), claims.user_id, claims.session_id, ttl_seconds
    )


class Client:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, **message: Any) -> None:
        await self.ws.send(orjson.dumps(message).decode())

    async def recv(self, wait: float = RECV_TIMEOUT) -> dict[str, Any]:
        frame = await asyncio.wait_for(self.ws.recv(), wait)
        found: dict[str, Any] = orjson.loads(frame)
        return found

    async def expect(self, kind: str, wait: float = RECV_TIMEOUT) -> dict[str, Any]:
        frame = await self.recv(wait)
        assert frame["type"] == kind, frame
        return frame

    async def events(self, count: int, wait: float = RECV_TIMEOUT) -> list[dict[str, Any]]:
        found = []
        for _ in range(count):
            found.append((await self.expect("event", wait))["event"])
        return found

    async def subscribe(self, course_id: uuid.UUID, after_seq: int | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "subscribe", "course_id": str(course_id)}
        if after_seq is not None:
            message["after_seq"] = after_seq
        await self.send(**message)
        return await self.expect("subscribed")

    async def closed(self, wait: float = RECV_TIMEOUT) -> tuple[int | None, list[dict[str, Any]]]:
        """Read until the server closes; the close code and every frame before it."""
        frames = []
        with contextlib.suppress(ConnectionClosed):
            while True:
                frames.append(await self.recv(wait))
        return self.ws.close_code, frames

    async def quiet(self, seconds: float = 0.3) -> None:
        """Nothing arrives for a while."""
        with contextlib.suppress(TimeoutError):
            frame = await self.recv(seconds)
            raise AssertionError(f"unexpected frame: {frame}")


@contextlib.asynccontextmanager
async def open_client(base: str, token: str | None = None, **options: Any) -> AsyncIterator[Client]:
    """Connected and, with a token, authenticated."""
    async with connect(f"{base}/api/v1/ws", **options) as ws:
        client = Client(ws)
        if token is not None:
            await client.send(type="auth", token=token)
            await client.expect("authenticated")
        yield client


async def emit(app: Any, course_id: uuid.UUID, count: int = 1, **payload: Any) -> list[int]:
    """Events as a worker emits them: appended, committed, published. Their seqs."""
    state = app.state
    seqs = []
    for n in range(count):
        event: WorkflowEvent = await events.emit(
            state.sessions,
            state.redis,
            state.keys,
            course_id,
            None,
            EventType.PHASE_CHANGED,
            {"n": n, **payload},
        )
        seqs.append(event.seq)
    return seqs
