"""A subscription speaks only after `subscribed`: a presence notice published while the
socket was still subscribing is held and sent right after it (a CI run caught the list of
people arriving first)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from app.realtime.connection import Limits, Subscription


class RecordingConnection:
    limits = Limits()

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, frame: str, subscription: Any = None, seq: int = 0) -> bool:
        self.sent.append(frame)
        return True

    async def wait_for_room(self) -> None:
        return None


async def _nothing_logged(course_id: uuid.UUID, after_seq: int, limit: int) -> list[Any]:
    return []


async def test_a_notice_before_subscribed_is_sent_after_it() -> None:
    connection = RecordingConnection()
    subscription = Subscription(connection, uuid.uuid4(), 0, _nothing_logged)  # type: ignore[arg-type]

    subscription.notice('{"type":"presence","people":[]}')  # listening, not yet subscribed
    assert connection.sent == []
    connection.send('{"type":"subscribed"}')
    subscription.start(0)
    subscription.notice('{"type":"presence","people":["Ann"]}')

    assert connection.sent == [
        '{"type":"subscribed"}',
        '{"type":"presence","people":[]}',
        '{"type":"presence","people":["Ann"]}',
    ]
    subscription.cancel()
    await asyncio.sleep(0)
