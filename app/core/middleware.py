"""Pure ASGI middleware: request id, client IP, access log and HTTP metrics."""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.context import client_ip_var, request_id_var, user_id_var
from app.core.handlers import error_response
from app.core.metrics import HTTP_IN_FLIGHT, HTTP_LATENCY, HTTP_REQUESTS

access_log = logging.getLogger("courzly.access")
log = logging.getLogger("courzly.errors")
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED_ROUTE = "<unmatched>"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def resolve_client_ip(scope: Scope, trusted_proxies: frozenset[str]) -> str | None:
    """The peer address, or the last untrusted hop of X-Forwarded-For when a proxy we trust
    (nginx on loopback) sent the request. A client cannot spoof its way past the proxy."""
    client = scope.get("client")
    peer: str | None = str(client[0]) if client else None
    if peer not in trusted_proxies:
        return peer
    forwarded = _header(scope, b"x-forwarded-for")
    if not forwarded:
        return peer
    for hop in reversed([h.strip() for h in forwarded.split(",")]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return peer
        if address not in trusted_proxies:
            return address
    return peer


class _Exchange:
    """One request/response: its id, the status sent, and the body-size guard."""

    def __init__(self, send: Send, receive: Receive, request_id: str, max_body: int) -> None:
        self._send = send
        self._receive = receive
        self.request_id = request_id
        self.max_body = max_body
        self.status = 500
        self.started = False
        self.answered_early = False  # we sent the response; the app's own is dropped
        self._received = 0

    async def deliver(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            headers = [*message.get("headers", []), (b"x-request-id", self.request_id.encode())]
            # Browsers must not guess types (an upload sniffed as HTML); the edge proxy says
            # it too, this covers `make run` and any other way the app is reached.
            if not any(name.lower() == b"x-content-type-options" for name, _ in headers):
                headers.append((b"x-content-type-options", b"nosniff"))
            message["headers"] = headers
        await self._send(message)

    async def app_send(self, message: Message) -> None:
        if not self.answered_early:
            await self.deliver(message)

    async def app_receive(self, scope: Scope) -> Message:
        """Count streamed bodies too (no Content-Length); past the limit, answer 413 at once
        and tell the app the client left, so nothing half-read is ever acted on."""
        if self.answered_early:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > self.max_body:
                await self.too_large(scope)
                return {"type": "http.disconnect"}
        return message

    async def too_large(self, scope: Scope) -> None:
        detail = f"The body exceeds {self.max_body} bytes."
        await self.error(scope, 413, "payload_too_large", detail)

    async def error(self, scope: Scope, status: int, error: str, detail: str) -> None:
        self.answered_early = True
        await error_response(status, error, detail)(scope, self._receive, self.deliver)


class RequestContextMiddleware:
    """Outermost of ours: request id, client IP, body limit, crash answer, log, metrics.

    `upload_limits` raise the body limit for the few upload routes (path patterns), so the
    small default still guards every other route before any parsing happens."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted_proxies: frozenset[str],
        max_body_bytes: int,
        upload_limits: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies
        self.max_body_bytes = max_body_bytes
        self.upload_limits = [
            (re.compile(pattern), limit) for pattern, limit in (upload_limits or {}).items()
        ]

    def _body_limit(self, scope: Scope) -> int:
        path = scope.get("path", "")
        for pattern, limit in self.upload_limits:
            if pattern.fullmatch(path):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        if incoming is None or not _VALID_REQUEST_ID.fullmatch(incoming):
            incoming = uuid.uuid4().hex
        request_id = incoming
        exchange = _Exchange(send, receive, request_id, self._body_limit(scope))
        tokens = (
            request_id_var.set(request_id),
            client_ip_var.set(resolve_client_ip(scope, self.trusted_proxies)),
            user_id_var.set(None),
        )
        start = time.perf_counter()
        HTTP_IN_FLIGHT.inc()
        try:
            if self._declares_too_much(scope, exchange.max_body):
                await exchange.too_large(scope)
            else:
                receive_limited = functools.partial(exchange.app_receive, scope)
                await self.app(scope, receive_limited, exchange.app_send)
        except Exception:
            log.exception("unhandled error")
            if exchange.started:
                raise
            await exchange.error(scope, 500, "internal_error", "An unexpected error occurred.")
        finally:
            HTTP_IN_FLIGHT.dec()
            self._record(scope, exchange.status, time.perf_counter() - start)
            user_id_var.reset(tokens[2])
            client_ip_var.reset(tokens[1])
            request_id_var.reset(tokens[0])

    @staticmethod
    def _declares_too_much(scope: Scope, limit: int) -> bool:
        declared = _header(scope, b"content-length")
        return declared is not None and (
            not declared.isascii() or not declared.isdigit() or int(declared) > limit
        )

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route: Any = scope.get("route")
        user_id = scope.get("state", {}).get("user_id")
        template = getattr(route, "path", None) or UNMATCHED_ROUTE
        method = scope.get("method", "GET")
        HTTP_REQUESTS.labels(method, template, str(status)).inc()
        HTTP_LATENCY.labels(method, template).observe(seconds)
        access_log.info(
            "%s %s %s",
            method,
            template,
            status,
            extra={
                "method": method,
                "route": template,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client_ip": client_ip_var.get(),
                "user_id": user_id,
            },
        )
