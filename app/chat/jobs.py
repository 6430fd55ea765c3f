"""The `chat.reply` job: ask the course writer, stream its tokens as events, store the answer."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.chat import replies
from app.chat.replies import ReplyRequest
from app.core.jobs import JobContext, job
from app.realtime.events import EventType, emit, publish
from app.workflow import ledger
from app.workflow.providers import close_writer, writer_for
from app.workflow.providers.base import CourseWriter, Phase, ProviderError, Usage
from app.workflow.providers.pricing import prices_for

log = logging.getLogger("courzly.chat")
FLUSH_SECONDS = 0.1
FLUSH_CHARS = 200


class TokenStream:
    """Tokens batched into `chat.tokens` events (every ~100 ms or 200 characters), so the
    event log holds a few rows per reply instead of one per token."""

    def __init__(self, ctx: JobContext, request: ReplyRequest) -> None:
        self._ctx = ctx
        self._request = request
        self._pending: list[str] = []
        self._size = 0
        self._last_flush = time.monotonic()
        self.part = 0

    async def push(self, token: str) -> None:
        self._pending.append(token)
        self._size += len(token)
        if self._size >= FLUSH_CHARS or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            await self.flush()

    async def flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._size = 0
        self._last_flush = time.monotonic()
        payload = {
            "message_id": str(self._request.reply_id),
            "reply_to": str(self._request.message_id),
            "part": self.part,
            "text": text,
        }
        self.part += 1
        ctx = self._ctx
        await emit(
            ctx.sessions,
            ctx.redis,
            ctx.keys,
            self._request.course_id,
            None,
            EventType.CHAT_TOKENS,
            payload,
        )


@job("chat.reply")
async def chat_reply(
    ctx: JobContext, *, course_id: str, message_id: str, writer: CourseWriter | None = None
) -> None:
    """`writer` is for tests; the worker uses the configured provider."""
    async with ctx.sessions() as session:
        request = await replies.reply_request(session, uuid.UUID(course_id), uuid.UUID(message_id))
    if request is None:
        return
    owned = writer is None
    writer = writer or writer_for(ctx.settings)
    stream = TokenStream(ctx, request)
    try:
        result = await writer.chat(
            request.brief,
            request.history,
            request.lesson_plan,
            request.lesson_content,
            stream.push,
        )
    except ProviderError as exc:
        log.warning("chat reply failed", extra={"reason": str(exc)[:300]})
        async with ctx.sessions() as session:
            events = await replies.store_failure(session, request, str(exc))
            await _record_usage(ctx, session, request, exc.usage)  # paid for all the same
            await session.commit()
        await publish(ctx.redis, ctx.keys, events)
        return
    finally:
        if owned:
            await close_writer(writer)
    await stream.flush()
    async with ctx.sessions() as session:
        events = await replies.store_reply(session, request, result.value)
        await _record_usage(ctx, session, request, result.usage)
        await session.commit()
    await publish(ctx.redis, ctx.keys, events)


async def _record_usage(
    ctx: JobContext, session: AsyncSession, request: ReplyRequest, usage: Sequence[Usage]
) -> None:
    await ledger.record(
        session,
        course_id=request.course_id,
        run_id=None,
        phase=Phase.CHAT,
        usage=usage,
        prices=prices_for(ctx.settings),
    )
