"""One WebSocket from accept to close: authenticate, then read, write and watch the token.

The token comes in the first message, never in the URL (URLs land in access logs, proxy
logs and browser history). See docs/realtime.md for the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.websockets import WebSocket, WebSocketState

from app.config import Settings
from app.core.errors import CourzlyError
from app.core.redis import Keys
from app.realtime import handlers, metrics, protocol
from app.realtime import service as realtime
from app.realtime.auth import SocketAuth, authenticate
from app.realtime.connection import Connection, Limits
from app.realtime.dependencies import event_hub, limits
from app.realtime.feed import FeedWatch
from app.realtime.hub import EventHub, HubClosed

log = logging.getLogger("courzly.realtime")
AUTH_TIMEOUT_SECONDS = 5.0
EXPIRY_WARNING_SECONDS = 60.0
GOODBYE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Resources:
    state: Any
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    keys: Keys
    hub: EventHub
    limits: Limits

    @classmethod
    def of(cls, state: Any) -> Resources:
        return cls(
            state,
            state.settings,
            state.sessions,
            state.read_sessions,
            state.redis,
            state.keys,
            event_hub(state),
            limits(state),
        )


class SocketSession:
    def __init__(self, websocket: WebSocket, resources: Resources, auth: SocketAuth) -> None:
        self.websocket = websocket
        self.resources = resources
        self.auth = auth
        self.connection = Connection(websocket, resources.limits)
        self.id = uuid.uuid4().hex  # its presence entries' name
        self.present: set[uuid.UUID] = set()  # courses where it announced presence
        self.feed: FeedWatch | None = None  # on the courses feed, once it asked to watch

    async def fetch(
        self, course_id: uuid.UUID, after_seq: int, limit: int
    ) -> list[tuple[int, str]]:
        async with self.resources.read_sessions() as session:
            return await realtime.replay(session, course_id, after_seq, limit)

    async def run(self) -> None:
        tasks = [
            asyncio.create_task(self.connection.write()),
            asyncio.create_task(self._read()),
            asyncio.create_task(self._watch_expiry()),
            asyncio.create_task(self.connection.stopped.wait()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for result in await asyncio.gather(*tasks, return_exceptions=True):
                if isinstance(result, Exception):  # mostly a client that went away
                    log.debug("socket task ended", extra={"reason": repr(result)})

    async def teardown(self) -> None:
        request = self.connection.close_request
        final = request.final_frame() if request and request.final_frame else None
        subscriptions = self.connection.subscriptions
        for course_id, subscription in list(subscriptions.items()):
            subscription.cancel()
            await self.resources.hub.unlisten(course_id, subscription)
        subscriptions.clear()
        await handlers.stop_watching(self)
        await handlers.leave_all(self)
        if self.websocket.client_state is not WebSocketState.CONNECTED:
            return
        code = request.code if request else protocol.CloseCode.INTERNAL_ERROR
        reason = request.reason if request else "server error"
        with contextlib.suppress(Exception):  # a client that stopped reading gets no goodbye
            await asyncio.wait_for(self._goodbye(code, reason, final), GOODBYE_TIMEOUT_SECONDS)

    async def _goodbye(self, code: int, reason: str, final: str | None) -> None:
        if final is not None:
            await self.websocket.send_text(final)
        await self.websocket.close(code, reason)

    async def _read(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                error = protocol.error_frame("binary_not_supported", "Send JSON text frames.")
                self.connection.send(error)
                continue
            try:
                parsed = protocol.parse(text)
            except protocol.BadMessage as bad:
                metrics.WS_MESSAGES_RECEIVED.labels("invalid").inc()
                self.connection.send(protocol.error_frame(bad.error, bad.detail, bad.message_id))
                continue
            metrics.WS_MESSAGES_RECEIVED.labels(parsed.type).inc()
            await handlers.dispatch(self, parsed)

    async def _watch_expiry(self) -> None:
        """Close when the token expires, unless the client re-authenticated in time; one
        warning a minute before gives it the chance."""
        warned_for: float | None = None
        while True:
            expires_at = self.auth.expires_at
            remaining = expires_at - time.time()
            if remaining <= 0:
                detail = "The access token expired; reconnect with a fresh one and resume."
                final = functools.partial(protocol.error_frame, "token_expired", detail)
                self.connection.stop(protocol.CloseCode.REAUTHENTICATE, "token expired", final)
                metrics.WS_CLOSED.labels("expired").inc()
                return
            if remaining <= EXPIRY_WARNING_SECONDS and warned_for != expires_at:
                warned_for = expires_at
                self.connection.send(
                    protocol.frame("auth.expiring", expires_at=protocol.iso_time(expires_at))
                )
            if remaining <= EXPIRY_WARNING_SECONDS:
                await asyncio.sleep(remaining)
            else:
                await asyncio.sleep(remaining - EXPIRY_WARNING_SECONDS)


async def _refuse(
    websocket: WebSocket, error: str, detail: str, code: int, reason: str = "auth"
) -> None:
    metrics.WS_CLOSED.labels(reason).inc()
    with contextlib.suppress(Exception):
        await websocket.send_text(protocol.error_frame(error, detail))
        await websocket.close(code, detail[:120])


async def _handshake(websocket: WebSocket, resources: Resources) -> SocketAuth | None:
    policy = protocol.CloseCode.POLICY_VIOLATION
    try:
        message = await asyncio.wait_for(websocket.receive(), AUTH_TIMEOUT_SECONDS)
    except TimeoutError:
        detail = (
            f'Authenticate first: {{"type":"auth","token":...}} within {AUTH_TIMEOUT_SECONDS:g} s.'
        )
        await _refuse(websocket, "auth_timeout", detail, policy)
        return None
    if message["type"] == "websocket.disconnect":
        return None
    try:
        parsed = protocol.parse(message.get("text") or "")
        if not isinstance(parsed, protocol.Auth):
            raise protocol.BadMessage(
                "auth_required", 'The first message must be {"type":"auth","token":...}.'
            )
        auth = await authenticate(resources.read_sessions, resources.settings, parsed.token)
    except protocol.BadMessage as bad:
        await _refuse(websocket, bad.error, bad.detail, policy)
        return None
    except CourzlyError as exc:
        await _refuse(websocket, exc.error, exc.detail, policy)
        return None
    except Exception as exc:  # database unreachable: not the client's fault
        log.warning("socket authentication failed", extra={"reason": repr(exc)})
        detail = "A required service is unavailable; try again shortly."
        await _refuse(websocket, "service_unavailable", detail, protocol.CloseCode.INTERNAL_ERROR)
        return None
    ready = protocol.frame(
        "authenticated",
        parsed.id,
        user_id=str(auth.user.id),
        expires_at=protocol.iso_time(auth.expires_at),
    )
    await websocket.send_text(ready)
    return auth


async def serve(websocket: WebSocket) -> None:
    await websocket.accept()
    resources = Resources.of(websocket.app.state)
    auth = await _handshake(websocket, resources)
    if auth is None:
        return
    socket = SocketSession(websocket, resources, auth)
    try:
        await resources.hub.attach(socket.connection)
    except HubClosed:
        metrics.WS_CLOSED.labels("shutdown").inc()
        with contextlib.suppress(Exception):
            await websocket.close(protocol.CloseCode.GOING_AWAY, "server shutting down")
        return
    except Exception as exc:
        log.warning("event hub unavailable", extra={"reason": repr(exc)})
        detail = "Live events are unavailable; try again shortly."
        code = protocol.CloseCode.INTERNAL_ERROR
        await _refuse(websocket, "service_unavailable", detail, code, "unavailable")
        return
    metrics.WS_CONNECTIONS.inc()
    try:
        await socket.run()
    finally:
        metrics.WS_CONNECTIONS.dec()
        await socket.teardown()
        await resources.hub.detach(socket.connection)
