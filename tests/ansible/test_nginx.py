"""The nginx role's configuration, running: Debian 12's nginx on high loopback ports with
a test certificate, in front of the app (uvicorn in this process). Security headers, the
HTTP redirect and the ACME exception, TLS versions, the WebSocket upgrade, the auth rate
limit's 429, body limits, the JSON access log with the request id the API saw, and
fail2ban's filters matching the lines this nginx and this app really wrote."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.ansible.edge import NAME, Edge, certificate, configure, fail2ban_regex, running
from tests.ansible.render import rendered
from tests.factories import Factory
from tests.monitoring.tools import free_port, run_tool
from tests.realtime.live import Client, live_server, token_of

__all__ = ["live_server"]


@pytest.fixture(scope="module")
def nginx_config(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    root = tmp_path_factory.mktemp("edge")
    certificate(root / "tls")
    return root, free_port(), free_port()


@pytest.fixture
async def edge(live_server: str, nginx_config: tuple[Path, int, int]) -> AsyncIterator[Edge]:
    root, http_port, https_port = nginx_config
    upstream = live_server.removeprefix("ws://")
    if not (root / "etc").exists():
        configure(root, upstream, http_port, https_port)
    config = root / "etc/nginx/nginx.conf"
    with running(config, https_port):
        context = ssl.create_default_context(cafile=str(root / "tls" / "fullchain.pem"))
        yield Edge(root, http_port, https_port, context)


def test_nginx_t_accepts_the_configuration_as_deployed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    certificate(root / "tls")
    config = configure(root, "127.0.0.1:8000", 80, 443)
    tested = run_tool("nginx", "-t", "-c", str(config))
    assert tested.returncode == 0, tested.stderr
    site = (root / "etc/nginx/sites-available/courzly.conf").read_text()
    assert "listen 443 ssl http2;" in site
    assert "return 301 https://courzly.test$request_uri;" in site


async def test_every_answer_carries_the_security_headers(edge: Edge) -> None:
    async with edge.client() as client:
        answer = await client.get("/healthz")
    assert answer.status_code == 200
    headers = answer.headers
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["server"] == "nginx"  # no version
    assert len(headers.get_list("x-frame-options")) == 1  # the app's copy is hidden


async def test_plain_http_redirects_to_https_except_the_acme_challenge(edge: Edge) -> None:
    token = edge.root / "www/.well-known/acme-challenge/abc123"
    token.write_text("abc123.thumbprint")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{edge.http_port}") as client:
        moved = await client.get("/courses/42?tab=lessons", headers={"Host": NAME})
        challenge = await client.get("/.well-known/acme-challenge/abc123", headers={"Host": NAME})
    assert moved.status_code == 301
    assert moved.headers["location"] == f"https://{NAME}:{edge.https_port}/courses/42?tab=lessons"
    assert challenge.status_code == 200
    assert challenge.text == "abc123.thumbprint"


def _handshake(edge: Edge, name: str, version: ssl.TLSVersion) -> str:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(str(edge.root / "tls" / "fullchain.pem"))
    context.minimum_version = context.maximum_version = version
    context.set_ciphers("ALL:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", edge.https_port), timeout=5) as raw:
        try:
            with context.wrap_socket(raw, server_hostname=name) as tls:
                return str(tls.version())
        except ssl.SSLError as refused:
            return f"refused: {refused.reason}"


async def test_only_tls_1_2_and_1_3_and_only_for_the_sites_name(edge: Edge) -> None:
    assert _handshake(edge, NAME, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
    assert _handshake(edge, NAME, ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    assert _handshake(edge, NAME, ssl.TLSVersion.TLSv1_1).startswith("refused")
    assert _handshake(edge, "other.example", ssl.TLSVersion.TLSv1_3).startswith("refused")


async def test_the_websocket_upgrade_reaches_the_api(edge: Edge, factory: Factory) -> None:
    token = token_of(await factory.headers(await factory.user()))
    raw = socket.create_connection(("127.0.0.1", edge.https_port))
    uri = f"wss://{NAME}:{edge.https_port}/api/v1/ws"
    async with connect(uri, sock=raw, ssl=edge.context, server_hostname=NAME) as ws:
        client = Client(ws)
        await client.send(type="auth", token=token)
        assert (await client.recv())["type"] == "authenticated"
        await client.send(type="ping", id="through-nginx")
        assert (await client.recv())["type"] == "pong"


async def test_the_sign_in_rate_limit_answers_429_in_the_apis_error_shape(edge: Edge) -> None:
    login = {"email": "nobody@courzly.test", "password": "not-the-password"}
    async with edge.client() as client:
        answers = [await client.post("/api/v1/auth/login", json=login) for _ in range(10)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:5] == [401] * 5  # the burst reaches the app (a wrong password)
    first_refused = statuses.index(429)
    assert statuses[first_refused:] == [429] * (len(statuses) - first_refused)
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "6"
    assert refused.json()["error"] == "too_many_requests"
    assert refused.headers["x-frame-options"] == "DENY"
    # The rest of the API has its own, wider allowance.
    async with edge.client() as client:
        assert (await client.get("/healthz")).status_code == 200


async def test_a_body_over_the_limit_is_refused_by_nginx(edge: Edge) -> None:
    async with edge.client() as client:
        answer = await client.post("/api/v1/courses", content=b"x" * (2 * 1024 * 1024))
    assert answer.status_code == 413
    assert answer.json()["error"] == "payload_too_large"


async def test_the_access_log_is_json_with_the_request_id_the_api_saw(edge: Edge) -> None:
    async with edge.client() as client:
        answer = await client.get("/readyz", headers={"User-Agent": "courzly-test"})
    lines = [json.loads(line) for line in edge.access_log.read_text().splitlines()]
    mine = [
        line for line in lines if line["uri"] == "/readyz" and line["user_agent"] == "courzly-test"
    ]
    assert mine[-1]["request_id"] == answer.headers["x-request-id"]
    assert mine[-1]["status"] == answer.status_code
    assert mine[-1]["upstream_status"] == str(answer.status_code)


async def test_fail2ban_matches_what_this_nginx_logged(edge: Edge, tmp_path: Path) -> None:
    async with edge.client() as client:
        for _ in range(3):
            await client.get("/wp-login.php")
        await client.get("/", headers={"User-Agent": "Mozilla/5.0 zgrab/0.x"})
        await client.get("/healthz", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"})
        for _ in range(10):
            await client.post("/api/v1/auth/login", json={"email": "a@b.c", "password": "x"})
    filters = rendered("fail2ban", tmp_path / "f2b") / "etc/fail2ban/filter.d"
    bots = fail2ban_regex(edge.access_log, str(filters / "courzly-nginx-badbots.conf"))
    scans = [json.loads(line) for line in edge.access_log.read_text().splitlines()]
    expected = sum(
        1 for line in scans if "wp-login" in line["uri"] or "zgrab" in line["user_agent"]
    )
    assert bots["matched"] == expected >= 4
    limited = fail2ban_regex(edge.error_log, "/etc/fail2ban/filter.d/nginx-limit-req.conf")
    assert limited["matched"] >= 4  # the refused sign-ins, by zone courzly_auth
