"""An OpenAI-compatible chat-completions server for tests and benchmarks, over real HTTP.

In tests: the `fake_openai` fixture (tests/fakes/fixtures.py). From a shell, for
benchmarks: `python -m tests.fakes.openai_server --port 8901 --latency 2`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.responders import RecordedRequest, Reply, default_responder
from tests.fakes.threaded import serving_app

Responder = Callable[[RecordedRequest], "str | Reply"]
_PIECES = re.compile(r"\s*\S+|\s+")
HOLD_LIMIT_SECONDS = 60  # a held answer goes out anyway then: a forgotten release fails late


class Fault(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 500
    BAD_REQUEST = "bad_request"  # 400, must not be retried
    MALFORMED_JSON = "malformed_json"  # 200 whose content is cut-off JSON
    SCHEMA_INVALID = "schema_invalid"  # 200 whose content is JSON of the wrong shape


@dataclass(frozen=True)
class ScriptedFault:
    fault: Fault
    retry_after: str | None = None


def _words(text: str) -> int:
    return len(text.split())


def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"message": message, "type": kind, "code": kind, "param": None}}
    return JSONResponse(body, status_code=status, headers=headers)


class FakeOpenAI:
    """The server's state: scripted faults, latency, responder and the request log."""

    def __init__(self, api_key: str | None = None, log_limit: int | None = None) -> None:
        self.api_key = api_key  # when set, `Authorization: Bearer <key>` is required
        self.base_url = ""  # http://127.0.0.1:<port>/v1 once serving
        self._lock = threading.Lock()
        # Bounded for long benchmark runs; tests keep every request.
        self._requests: deque[RecordedRequest] = deque(maxlen=log_limit)
        self._faults: deque[ScriptedFault] = deque()
        self.reset()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._handle, methods=["POST"])])

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._faults.clear()
        self.latency = 0.0  # seconds before each answer
        self.token_delay = 0.0  # seconds between streamed chunks
        self.responder: Responder = default_responder
        self._held = threading.Event()
        self._held.set()  # answers flow until a test holds them

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def fail_next(
        self, fault: Fault | str, times: int = 1, *, retry_after: str | None = None
    ) -> None:
        """The next `times` calls fail with `fault` (queued after earlier scripted faults)."""
        with self._lock:
            self._faults.extend([ScriptedFault(Fault(fault), retry_after)] * times)

    def hold(self) -> None:
        """Answers wait (after recording the request) until `release()`: a test can get a
        page watching before a call's answer starts to stream."""
        self._held.clear()

    def release(self) -> None:
        self._held.set()

    def settings_overrides(self) -> dict[str, Any]:
        """Settings aliases pointing Courzly at this server."""
        return {"OPENAI_API_KEY": self.api_key or "sk-fake", "OPENAI_BASE_URL": self.base_url}

    async def _handle(self, request: Request) -> Response:
        try:
            body = await request.json()
            recorded = RecordedRequest(
                model=str(body["model"]),
                messages=list(body["messages"]),
                response_format=body.get("response_format"),
                stream=bool(body.get("stream", False)),
                body=body,
                headers=dict(request.headers),
            )
        except (ValueError, KeyError, TypeError) as error:
            return _error(400, f"Invalid request body: {error!r}", "invalid_request_error")
        with self._lock:
            self._requests.append(recorded)
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_api_key")
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if not self._held.is_set():
            await asyncio.to_thread(self._held.wait, HOLD_LIMIT_SECONDS)
        if self.latency:
            await asyncio.sleep(self.latency)
        if fault is not None and fault.fault is Fault.RATE_LIMIT:
            headers = {"retry-after": fault.retry_after} if fault.retry_after else None
            return _error(429, "Rate limit reached (scripted).", "rate_limit_exceeded", headers)
        if fault is not None and fault.fault is Fault.SERVER_ERROR:
            return _error(500, "The server had an error (scripted).", "server_error")
        if fault is not None and fault.fault is Fault.BAD_REQUEST:
            return _error(400, "Invalid 'messages' (scripted).", "invalid_request_error")
        reply = self._reply(recorded, fault)
        usage = {
            "prompt_tokens": _words(recorded.prompt),
            "completion_tokens": max(_words(reply.content), 1),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if recorded.stream:
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            events = self._events(recorded, reply, usage if include_usage else None)
            return StreamingResponse(events, media_type="text/event-stream")
        return JSONResponse(
            {
                "id": f"chatcmpl-fake-{id(recorded):x}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": recorded.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.content},
                        "finish_reason": reply.finish_reason,
                    }
                ],
                "usage": usage,
            }
        )

    def _reply(self, recorded: RecordedRequest, fault: ScriptedFault | None) -> Reply:
        if fault is not None and fault.fault is Fault.MALFORMED_JSON:
            return Reply('{"modules": [{"title": "Cut off')
        if fault is not None and fault.fault is Fault.SCHEMA_INVALID:
            return Reply('{"unexpected": "this is not what the schema asked for"}')
        answer = self.responder(recorded)
        return answer if isinstance(answer, Reply) else Reply(answer)

    async def _events(
        self, recorded: RecordedRequest, reply: Reply, usage: dict[str, int] | None
    ) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            payload = {
                "id": "chatcmpl-fake-stream",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": recorded.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(payload)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        for piece in _PIECES.findall(reply.content):
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            yield chunk({"content": piece})
        yield chunk({}, reply.finish_reason)
        if usage is not None:
            payload = {
                "id": "chatcmpl-fake-stream",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": recorded.model,
                "choices": [],
                "usage": usage,
            }
            yield f"data: {json.dumps(payload)}\n\n"
        yield "data: [DONE]\n\n"


@contextmanager
def serving(fake: FakeOpenAI, host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeOpenAI]:
    """Runs the server in a background thread until the block ends."""
    with serving_app(fake.app, "OpenAI", host, port) as base_url:
        fake.base_url = base_url + "/v1"
        yield fake


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--token-delay", type=float, default=0.0, help="seconds per chunk")
    parser.add_argument("--api-key", default=None, help="require this bearer key")
    args = parser.parse_args()
    fake = FakeOpenAI(api_key=args.api_key, log_limit=1000)
    fake.latency, fake.token_delay = args.latency, args.token_delay
    print(f"fake OpenAI server on http://{args.host}:{args.port}/v1", flush=True)
    uvicorn.run(fake.app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
