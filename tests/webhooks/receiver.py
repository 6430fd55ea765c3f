"""A webhook receiver for the tests: a real HTTP server on loopback that verifies every
message with the Standard Webhooks library (as a customer's receiver would), keeps what it
got in order, and answers with the statuses a test lines up."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.monitoring.tools import serving


@dataclass
class Received:
    message_id: str
    payload: dict[str, Any]
    signatures: str
    verified_with: list[str]


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)  # the verifier's keys
    messages: list[Received] = field(default_factory=list)
    statuses: deque[int] = field(default_factory=deque)  # answers to give, then 200
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def answer(self, *statuses: int) -> None:
        with self.lock:
            self.statuses.extend(statuses)

    def ids(self) -> list[str]:
        with self.lock:
            return [m.message_id for m in self.messages]

    def types(self) -> list[str]:
        with self.lock:
            return [m.payload["type"] for m in self.messages]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            headers = {key.lower(): value for key, value in self.headers.items()}
            verified, payload = [], None
            for secret in receiver.secrets:
                with contextlib.suppress(WebhookVerificationError):
                    payload = Webhook(secret).verify(body, headers)
                    verified.append(secret)
            with receiver.lock:
                status = receiver.statuses.popleft() if receiver.statuses else 200
                if not verified:
                    status = 401  # what a receiver does with a message it cannot verify
                elif status < 300:
                    receiver.messages.append(
                        Received(
                            headers["webhook-id"], payload, headers["webhook-signature"], verified
                        )
                    )
            answer = b'{"ok": true}' if status < 300 else b"receiver says no"
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def receiving(*secrets: str) -> Iterator[Receiver]:
    receiver = Receiver(secrets=list(secrets))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    with serving(server):
        yield receiver
