"""One Redis pub/sub connection per API process, multiplexed across all of its sockets.

A course channel is subscribed in Redis while at least one local listener wants it. Each
Redis message is decoded once (for its seq) and the same frame text is offered to every
listener; listeners only append to in-memory queues, so a slow socket never holds up the
reader or the other sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from app.core.redis import Keys
from app.core.tasks import stop_if_cancelled
from app.realtime import metrics, protocol
from app.realtime.events import FEED, channel, feed_channel
from app.realtime.presence import PRESENCE

log = logging.getLogger("courzly.realtime")
CONFIRM_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 1.0
RETRY_SECONDS = 1.0


class Listener(Protocol):
    def offer(self, seq: int, frame: str) -> None: ...

    def resync(self) -> None: ...

    def notice(self, frame: str) -> None: ...  # not an event: no seq, nothing to replay

    def wants(self, course_id: str) -> bool: ...  # asked of the feed's listeners


class HubClosed(Exception):
    """The process is shutting down: sockets that arrive now are told to come back."""


class Member(Protocol):
    async def shutdown(self, code: int, reason: str) -> None: ...


@dataclass(eq=False)
class _Channel:
    confirmed: asyncio.Future[None]
    listeners: set[Listener] = field(default_factory=set)


class EventHub:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        # Subscribed from start to stop so the pub/sub connection always exists and never
        # reads a health-check reply in a writer's place (redis-py does that when idle).
        self._control = keys("events", "_hub")
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._channels: dict[str, _Channel] = {}
        # Redis confirms SUBSCRIBEs in the order sent, so confirmations pop these in order.
        self._waiters: dict[str, deque[asyncio.Future[None]]] = {}
        self._members: set[Member] = set()
        self._lock = asyncio.Lock()  # start and stop
        self._closed = False
        # (Un)subscribe commands go out one at a time, in the order the channel table
        # changes, so Redis never ends up unsubscribed from a channel counted as live.
        self._commands = asyncio.Lock()

    async def attach(self, member: Member) -> None:
        """A socket joins; the first one starts the Redis subscription. Once the hub has
        closed, joining would restart it behind the shutdown's back, so it is refused."""
        async with self._lock:
            if self._closed:
                raise HubClosed
            if self._pubsub is None:
                pubsub = self._redis.pubsub()
                try:
                    await pubsub.subscribe(self._control)
                except BaseException:
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                    raise
                self._pubsub = pubsub
                self._reader = asyncio.create_task(self._read(pubsub), name="event-hub")
            self._members.add(member)

    async def detach(self, member: Member) -> None:
        """A socket leaves; with the last one gone the Redis connection is released, so
        shutdown finds nothing running once the server has closed its sockets."""
        async with self._lock:
            self._members.discard(member)
            if not self._members:
                await self._stop()

    async def close(self) -> None:
        """For the app's shutdown: close every socket (1001, resume later), then stop."""
        self._closed = True
        for member in list(self._members):
            with contextlib.suppress(Exception):
                await member.shutdown(protocol.CloseCode.GOING_AWAY, "server shutting down")
        async with self._lock:
            self._members.clear()
            await self._stop()

    async def _stop(self) -> None:
        reader, pubsub = self._reader, self._pubsub
        self._reader = self._pubsub = None
        self._channels.clear()
        self._waiters.clear()
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def listen(self, course_id: uuid.UUID, listener: Listener) -> None:
        """Add a listener and return once Redis has confirmed the channel: from then on no
        published event of the course can pass it by, which the replay relies on."""
        await self._listen(channel(self._keys, course_id), listener)

    async def unlisten(self, course_id: uuid.UUID, listener: Listener) -> None:
        await self._unlisten(channel(self._keys, course_id), listener)

    async def watch_feed(self, listener: Listener) -> None:
        """Add a listener to the courses feed; it is offered only the notices it wants."""
        await self._listen(feed_channel(self._keys), listener)

    async def unwatch_feed(self, listener: Listener) -> None:
        await self._unlisten(feed_channel(self._keys), listener)

    async def _listen(self, name: str, listener: Listener) -> None:
        async with self._commands:
            found = self._channels.get(name)
            if found is None:
                found = _Channel(asyncio.get_running_loop().create_future())
                await self._subscribe(name, found.confirmed)
                self._channels[name] = found
            found.listeners.add(listener)
        try:
            await asyncio.wait_for(asyncio.shield(found.confirmed), CONFIRM_TIMEOUT_SECONDS)
        except BaseException:
            await self._unlisten(name, listener)
            raise

    async def _unlisten(self, name: str, listener: Listener) -> None:
        async with self._commands:
            found = self._channels.get(name)
            if found is None:
                return
            found.listeners.discard(listener)
            if found.listeners:
                return
            del self._channels[name]
            if self._pubsub is not None:
                with contextlib.suppress(Exception):  # a dead connection dropped it anyway
                    await self._pubsub.unsubscribe(name)

    async def _subscribe(self, name: str, confirmed: asyncio.Future[None]) -> None:
        if self._pubsub is None:
            raise RuntimeError("the event hub is not running")
        waiters = self._waiters.setdefault(name, deque())
        waiters.append(confirmed)
        try:
            await self._pubsub.subscribe(name)
        except BaseException:
            waiters.remove(confirmed)
            raise

    async def _read(self, pubsub: PubSub) -> None:
        while True:
            stop_if_cancelled()  # a cancel redis-py took for its read timeout
            try:
                message = await pubsub.get_message(timeout=READ_TIMEOUT_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # redis-py reconnects and resubscribes on the next read; the unasked-for
                # confirmations that follow make every listener catch up from the log.
                log.warning("event hub lost Redis", extra={"reason": repr(exc)})
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if message is not None:
                try:
                    self._handle(message)
                except Exception:  # one bad message must not stop delivery to everyone
                    log.exception("event hub could not handle a message")

    def _handle(self, message: dict[str, Any]) -> None:
        kind, name = message.get("type"), message.get("channel")
        if not isinstance(name, str):
            return
        if kind == "subscribe":
            self._confirmed(name)
        elif kind == "message":
            found = self._channels.get(name)
            data = message.get("data")
            if found is None or not isinstance(data, str):
                return
            decoded = orjson.loads(data)
            if FEED in decoded:
                notice, course_id = (
                    protocol.frame(FEED, **decoded[FEED]),
                    decoded[FEED]["course_id"],
                )
                for listener in list(found.listeners):
                    if listener.wants(course_id):
                        listener.notice(notice)
                return
            if PRESENCE in decoded:
                notice = protocol.frame(PRESENCE, **decoded[PRESENCE])
                for listener in list(found.listeners):
                    listener.notice(notice)
                return
            seq = int(decoded["seq"])
            text = protocol.event_frame(data)
            metrics.EVENTS_RECEIVED.inc()
            for listener in list(found.listeners):
                listener.offer(seq, text)

    def _confirmed(self, name: str) -> None:
        waiters = self._waiters.get(name)
        if waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
            return
        found = self._channels.get(name)
        if found is not None and found.confirmed.done():
            # Not asked for: a reconnect resubscribed us. What was published meanwhile
            # exists only in the log now.
            for listener in list(found.listeners):
                listener.resync()
