"""Pure ASGI middleware: request id, client IP, access log and HTTP metrics."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.context import client_ip_var, request_id_var, user_id_var
from app.core.metrics import HTTP_IN_FLIGHT, HTTP_LATENCY, HTTP_REQUESTS

access_log = logging.getLogger("courzly.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
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


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, trusted_proxies: frozenset[str]) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        tokens = (
            request_id_var.set(request_id),
            client_ip_var.set(resolve_client_ip(scope, self.trusted_proxies)),
            user_id_var.set(None),
        )
        start = time.perf_counter()
        status = 500
        HTTP_IN_FLIGHT.inc()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            HTTP_IN_FLIGHT.dec()
            self._record(scope, status, time.perf_counter() - start)
            user_id_var.reset(tokens[2])
            client_ip_var.reset(tokens[1])
            request_id_var.reset(tokens[0])

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
