"""Delivery attempts against a real receiver on loopback (allowed for the tests, as
WEBHOOK_ALLOWED_NETWORKS would allow it): the receiver verifies the signature with the
Standard Webhooks library; the attempt connects to the checked address while naming the
host in Host and TLS; failures, slowness, redirects and huge answers end as clear results."""

from __future__ import annotations

import contextlib
import json
import ssl
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from app.webhooks import signing
from app.webhooks.delivery import EXCERPT_BYTES, _host_header, deliver
from app.webhooks.destinations import Destination, check, networks
from tests.ansible.edge import certificate
from tests.monitoring.tools import serving

NAME = "courzly.test"  # the test certificate's name (tests/ansible/edge.py)
SECRET = signing.new_secret()
BODY = json.dumps({"type": "export.ready", "data": {"export_id": "e1"}}).encode()


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        headers = {key.lower(): value for key, value in self.headers.items()}
        payload = Webhook(SECRET).verify(body, headers)  # raises on a bad signature
        self.received.append({"path": self.path, "host": headers["host"], "payload": payload})
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/trickle":  # each byte in time, the whole answer never
            self.send_response(200)
            self.send_header("content-length", "100")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for _ in range(100):
                    self.wfile.write(b".")
                    self.wfile.flush()
                    time.sleep(0.1)
            return
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        status, answer = {
            "/fail": (500, b"database on fire"),
            "/big": (200, b"x" * 100_000),
        }.get(self.path, (204, b""))
        self.send_response(status)
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        # The delivery reads only the start of a long answer, then hangs up.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        pass


def _server(tls: ssl.SSLContext | None) -> tuple[ThreadingHTTPServer, list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    return server, received


@pytest.fixture
def receiver() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    server, received = _server(None)
    with serving(server):
        yield server.server_address[1], received


def _destination(url: str, *addresses: str) -> Destination:
    found = list(addresses) or ["127.0.0.1"]
    return check(url, networks("127.0.0.0/8,::1/128"), lambda host, port: found)


def _signed() -> dict[str, str]:
    return signing.headers([SECRET], "msg_1", int(time.time()), BODY)


async def test_a_delivery_reaches_the_checked_address_signed(receiver: Any) -> None:
    port, received = receiver
    destination = _destination(f"http://hooks.customer.example:{port}/ok")
    attempt = await deliver(destination, BODY, _signed())
    assert attempt.succeeded
    assert attempt.status == 204
    assert attempt.error is None
    assert received[0]["payload"] == json.loads(BODY)
    assert received[0]["host"] == f"hooks.customer.example:{port}"  # the name, not the address


async def test_a_failure_keeps_the_start_of_the_answer(receiver: Any) -> None:
    port, _ = receiver
    failed = await deliver(_destination(f"http://h.example:{port}/fail"), BODY, _signed())
    assert (failed.succeeded, failed.status, failed.excerpt) == (False, 500, "database on fire")
    big = await deliver(_destination(f"http://h.example:{port}/big"), BODY, _signed())
    assert big.succeeded
    assert len(big.excerpt) == EXCERPT_BYTES


async def test_redirects_are_not_followed(receiver: Any) -> None:
    port, received = receiver
    moved = await deliver(_destination(f"http://h.example:{port}/moved"), BODY, _signed())
    assert (moved.succeeded, moved.status, moved.error) == (
        False,
        302,
        "redirects are not followed",
    )
    assert len(received) == 1  # nothing went to the metadata address


async def test_a_slow_or_absent_endpoint_ends_as_a_clear_failure(receiver: Any) -> None:
    port, _ = receiver
    quick = httpx.Timeout(0.5, connect=0.5)
    slow = await deliver(
        _destination(f"http://h.example:{port}/slow"), BODY, _signed(), limits=quick
    )
    assert (slow.status, slow.error) == (None, "the endpoint did not answer in time")
    assert 400 <= slow.latency_ms < 1500
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)) as closed:
        gone = closed.server_address[1]
    refused = await deliver(_destination(f"http://h.example:{gone}/"), BODY, _signed())
    assert refused.status is None
    assert refused.error is not None
    assert refused.error.startswith("could not connect")


async def test_https_is_verified_for_the_urls_name_at_the_pinned_address(tmp_path: Path) -> None:
    chain = certificate(tmp_path / "tls")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(chain, tmp_path / "tls" / "privkey.pem")
    server, received = _server(tls)
    trust = ssl.create_default_context(cafile=str(chain))
    with serving(server):
        port = server.server_address[1]
        attempt = await deliver(
            _destination(f"https://{NAME}:{port}/ok"), BODY, _signed(), verify=trust
        )
        assert attempt.succeeded, attempt.error
        assert received[0]["host"] == f"{NAME}:{port}"
        wrong = await deliver(
            _destination(f"https://other.example:{port}/ok"), BODY, _signed(), verify=trust
        )
        assert wrong.status is None
        assert "certificate" in str(wrong.error).lower()  # it is not for that name
        assert len(received) == 1


async def test_a_refused_address_falls_back_to_the_next_checked_one(receiver: Any) -> None:
    port, received = receiver
    # The receiver listens on 127.0.0.1 only; 127.0.0.2 (tried first) refuses.
    destination = _destination(f"http://both.example:{port}/ok", "127.0.0.2", "127.0.0.1")
    attempt = await deliver(destination, BODY, _signed())
    assert attempt.succeeded
    assert len(received) == 1
    none_listen = _destination(f"http://both.example:{port}/ok", "127.0.0.2", "127.0.0.3")
    refused = await deliver(none_listen, BODY, _signed())
    assert refused.error is not None
    assert refused.error.startswith("could not connect")


async def test_an_answer_trickled_past_the_total_limit_fails(receiver: Any) -> None:
    port, _ = receiver
    destination = _destination(f"http://h.example:{port}/trickle")
    attempt = await deliver(destination, BODY, _signed(), total_seconds=1.0)
    assert (attempt.status, attempt.error) == (None, "the endpoint did not answer in time")
    assert 900 <= attempt.latency_ms < 3000


async def test_an_exchange_the_client_cannot_make_is_a_logged_failure_not_a_crash(
    receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, _ = receiver

    async def broken(*_: Any, **__: Any) -> tuple[int, bytes]:
        raise UnicodeEncodeError("ascii", "ü", 0, 1, "what a strange header does to a client")

    monkeypatch.setattr("app.webhooks.delivery._post", broken)
    attempt = await deliver(_destination(f"http://h.example:{port}/ok"), BODY, _signed())
    assert (attempt.status, attempt.error) == (
        None,
        "the request could not be made: UnicodeEncodeError",
    )


def test_an_ipv6_literal_goes_in_brackets_in_the_host_header() -> None:
    destination = check("http://[2606:4700::1]:8080/x", resolver=lambda h, p: ["2606:4700::1"])
    assert _host_header(destination) == "[2606:4700::1]:8080"
