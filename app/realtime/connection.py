"""One socket's outgoing side: a bounded queue drained by its own writer, and the per-course
subscriptions that feed it in seq order (replay from the log, then live, no gap, no dup)."""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NamedTuple

from starlette.websockets import WebSocket

from app.realtime import metrics, protocol

log = logging.getLogger("courzly.realtime")

# (course_id, after_seq, limit) -> [(seq, frame)] from the event log, ascending.
Fetch = Callable[[uuid.UUID, int, int], Awaitable[list[tuple[int, str]]]]


@dataclass(frozen=True)
class Limits:
    # Frames waiting for one socket before it counts as too far behind. Memory per socket
    # is bounded by this; a client that stops reading is dropped instead of growing it.
    max_pending: int = 2000
    replay_page: int = 500
    max_subscriptions: int = 50


class _Outgoing(NamedTuple):
    frame: str
    subscription: Subscription | None
    seq: int


@dataclass(frozen=True)
class CloseRequest:
    code: int
    reason: str
    # Built when the goodbye is sent, after the writer has stopped: a resume point then
    # names exactly the last frame that went out.
    final_frame: Callable[[], str] | None = None


class Connection:
    def __init__(self, websocket: WebSocket, limits: Limits) -> None:
        self.websocket = websocket
        self.limits = limits
        self.subscriptions: dict[uuid.UUID, Subscription] = {}
        self.close_request: CloseRequest | None = None
        self.stopped = asyncio.Event()
        self._queue: asyncio.Queue[_Outgoing] = asyncio.Queue()
        self._room = asyncio.Event()
        self._room.set()

    def send(self, frame: str, subscription: Subscription | None = None, seq: int = 0) -> bool:
        """Queue a frame without waiting; False when the socket is stopping or just fell
        too far behind (and is being dropped)."""
        if self.stopped.is_set():
            return False
        if self._queue.qsize() >= self.limits.max_pending:
            self.lag()
            return False
        self._queue.put_nowait(_Outgoing(frame, subscription, seq))
        if self._queue.qsize() > self.limits.max_pending // 2:
            self._room.clear()
        return True

    async def wait_for_room(self) -> None:
        """Replays wait here, so reading the log never outruns the client."""
        await self._room.wait()

    async def write(self) -> None:
        while not self.stopped.is_set():
            item = await self._queue.get()
            if self.stopped.is_set():
                return
            await self.websocket.send_text(item.frame)
            metrics.WS_FRAMES_SENT.inc()
            if item.subscription is not None:
                item.subscription.sent_seq = item.seq
            if self._queue.qsize() <= self.limits.max_pending // 2:
                self._room.set()

    def lag(self) -> None:
        if self.stopped.is_set():
            return
        self.stop(protocol.CloseCode.LAGGED, "too far behind; resume with after_seq", self._lagged)
        metrics.WS_CLOSED.labels("lagged").inc()

    def _lagged(self) -> str:
        resume = [
            {"course_id": str(course_id), "after_seq": sub.sent_seq}
            for course_id, sub in self.subscriptions.items()
        ]
        return protocol.frame(
            "lagged",
            detail="Too far behind: reconnect and subscribe again with these after_seq values.",
            resume=resume,
        )

    def stop(self, code: int, reason: str, final_frame: Callable[[], str] | None = None) -> None:
        if self.stopped.is_set():
            return
        self.close_request = CloseRequest(code, reason, final_frame)
        self.stopped.set()

    async def shutdown(self, code: int, reason: str) -> None:
        self.stop(code, reason)


class Subscription:
    """Buffers live events while it replays from the log, then switches to live. Every
    gap in live seqs (a missed publish, out-of-order publishers) triggers another replay;
    a seq already queued is dropped, so the client sees each seq once, in order."""

    def __init__(
        self, connection: Connection, course_id: uuid.UUID, after_seq: int, fetch: Fetch
    ) -> None:
        self.connection = connection
        self.course_id = course_id
        self.queued_seq = after_seq
        self.sent_seq = after_seq
        self.live = False
        self._fetch = fetch
        self._buffer: list[tuple[int, str]] = []
        self._task: asyncio.Task[None] | None = None
        # Notices (presence) that arrive between listening and `subscribed`: held, so the
        # client always hears `subscribed` first and then everything about the course.
        self._early_notices: list[str] | None = []

    def start(self, after_seq: int) -> None:
        self.queued_seq = self.sent_seq = after_seq
        early, self._early_notices = self._early_notices or [], None
        for frame in early:
            self.connection.send(frame)
        self.resync()

    def offer(self, seq: int, frame: str) -> None:
        if self.live and seq == self.queued_seq + 1:
            self.queued_seq = seq
            self.connection.send(frame, self, seq)
            return
        if seq <= self.queued_seq:
            return
        if len(self._buffer) >= self.connection.limits.max_pending:
            self.connection.lag()
            return
        self._buffer.append((seq, frame))
        if self.live:
            self.resync()  # a gap: the missing seqs are committed, so the log has them

    def notice(self, frame: str) -> None:
        if self._early_notices is not None:
            self._early_notices.append(frame)
            return
        self.connection.send(frame)

    def wants(self, course_id: str) -> bool:
        return course_id == str(self.course_id)

    def resync(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self.live = False
        self._task = asyncio.create_task(self._catch_up(), name=f"replay-{self.course_id}")

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _catch_up(self) -> None:
        connection, page = self.connection, self.connection.limits.replay_page
        try:
            while True:
                while True:
                    await connection.wait_for_room()
                    rows = await self._fetch(self.course_id, self.queued_seq, page)
                    for seq, frame in rows:
                        if not connection.send(frame, self, seq):
                            return
                        self.queued_seq = seq
                    if len(rows) < page:
                        break
                # No await from the last read of the log to going live: nothing published
                # in between can slip past both the replay and the buffer.
                if self._drain():
                    self.live = True
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event replay failed", extra={"course_id": str(self.course_id)})
            detail = "The event log could not be read; reconnect shortly and resume."
            final = functools.partial(protocol.error_frame, "service_unavailable", detail)
            connection.stop(protocol.CloseCode.INTERNAL_ERROR, "replay failed", final)

    def _drain(self) -> bool:
        """Send buffered events that continue the sequence; True when none is left over.
        One left over means a seq is still missing from the buffer: read the log again."""
        waiting = sorted(self._buffer, key=lambda item: item[0])
        left: list[tuple[int, str]] = []
        for seq, frame in waiting:
            if seq <= self.queued_seq:
                continue
            if seq == self.queued_seq + 1 and not left:
                if not self.connection.send(frame, self, seq):
                    return True
                self.queued_seq = seq
            else:
                left.append((seq, frame))
        self._buffer = left
        return not left
