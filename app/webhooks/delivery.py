"""One delivery attempt: a POST to an endpoint, to the very address its check approved
(the URL's host name still goes in the Host header and the TLS handshake, so certificates
are verified for it), with tight timeouts, no redirects followed, and only the start of
the answer kept for the delivery log."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson

from app.webhooks import signing
from app.webhooks.destinations import Destination

USER_AGENT = "Courzly-Webhooks/1"
EXCERPT_BYTES = 1024
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# The whole exchange, however slowly a receiver trickles its answer.
TOTAL_SECONDS = 15.0


@dataclass(frozen=True)
class Attempt:
    status: int | None  # None: no answer (refused, timed out, TLS failed)
    latency_ms: int
    excerpt: str  # the answer's first bytes, or what went wrong
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _pinned_url(destination: Destination, text: str) -> str:
    """The URL with its host replaced by one of the checked addresses."""
    parts = urlsplit(destination.url)
    address = ipaddress.ip_address(text)
    host = f"[{address}]" if address.version == 6 else str(address)
    return urlunsplit(parts._replace(netloc=f"{host}:{destination.port}"))


def _connect_order(destination: Destination) -> list[str]:
    """IPv4 first: many hosts (Docker's default network among them) have no IPv6 route."""
    return sorted(destination.addresses, key=lambda a: ipaddress.ip_address(a).version)


def _host_header(destination: Destination) -> str:
    default = 443 if destination.url.startswith("https:") else 80
    suffix = "" if destination.port == default else f":{destination.port}"
    host = f"[{destination.host}]" if ":" in destination.host else destination.host
    return f"{host}{suffix}"


@functools.cache
def _system_trust() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs more than a whole local delivery."""
    return ssl.create_default_context()


async def deliver(
    destination: Destination,
    body: bytes,
    headers: dict[str, str],
    *,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Timeout = TIMEOUT,
    total_seconds: float = TOTAL_SECONDS,
) -> Attempt:
    request_headers = {
        **headers,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "accept-encoding": "identity",  # the first KB as sent: nothing to inflate
        "host": _host_header(destination),
    }
    started = time.monotonic()
    failure = "no address to connect to"
    async with httpx.AsyncClient(
        verify=_system_trust() if verify is True else verify,
        timeout=limits,
        follow_redirects=False,
    ) as client:
        # Each checked address in turn until one takes the connection; past that point an
        # answer (or its absence) is the endpoint's, and is not asked again elsewhere.
        for address in _connect_order(destination):
            try:
                async with asyncio.timeout(total_seconds):
                    status, excerpt = await _post(
                        client,
                        _pinned_url(destination, address),
                        body,
                        request_headers,
                        destination,
                    )
            except httpx.ConnectError as exc:
                failure = f"could not connect: {exc}"
                continue
            except (httpx.TimeoutException, TimeoutError):
                return _failed(started, "the endpoint did not answer in time")
            except httpx.HTTPError as exc:
                return _failed(started, f"the exchange failed: {exc}")
            except Exception as exc:
                # Whatever the URL or the answer does to the client, the attempt is logged
                # and retried like any failure; an exception here would jam the queue.
                return _failed(started, f"the request could not be made: {type(exc).__name__}")
            latency = int((time.monotonic() - started) * 1000)
            text = excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace")
            if 300 <= status < 400:
                return Attempt(status, latency, text, "redirects are not followed")
            return Attempt(status, latency, text)
    return _failed(started, failure)


async def _post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    destination: Destination,
) -> tuple[int, bytes]:
    """The answer's status and first bytes; the rest is not read."""
    async with client.stream(
        "POST", url, content=body, headers=headers, extensions={"sni_hostname": destination.host}
    ) as answer:
        excerpt = b""
        async for chunk in answer.aiter_raw():
            excerpt += chunk
            if len(excerpt) >= EXCERPT_BYTES:
                break
        return answer.status_code, excerpt


def _failed(started: float, reason: str) -> Attempt:
    return Attempt(None, int((time.monotonic() - started) * 1000), "", reason)


async def send(
    destination: Destination,
    message_id: str,
    payload: dict[str, Any],
    secrets_in_use: Sequence[str],
    now: datetime,
    *,
    verify: ssl.SSLContext | bool = True,
) -> Attempt:
    """Sign `payload` as of `now` (receivers refuse stale timestamps, so every attempt is
    signed afresh) and deliver it."""
    body = orjson.dumps(payload)
    signed = signing.headers(secrets_in_use, message_id, int(now.timestamp()), body)
    return await deliver(destination, body, signed, verify=verify)
