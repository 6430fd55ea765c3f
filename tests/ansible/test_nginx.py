"""The nginx role's configuration, running: Debian 12's nginx on high loopback ports with
a test certificate, in front of the app (uvicorn in this process). Security headers, the
HTTP redirect and the ACME exception, TLS versions, the WebSocket upgrade, the auth rate
limit's 429, body limits, the JSON access log with the request id the API saw, and
fail2ban's filters matching the lines this nginx and this app really wrote."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.ansible.render import rendered
from tests.factories import Factory
from tests.monitoring.tools import free_port, run_tool, tool_path
from tests.realtime.live import Client, live_server, token_of

__all__ = ["live_server"]

NAME = "courzly.test"


@dataclass(frozen=True)
class Edge:
    root: Path
    http_port: int
    https_port: int
    context: ssl.SSLContext

    @property
    def access_log(self) -> Path:
        return self.root / "log" / "access.json.log"

    @property
    def error_log(self) -> Path:
        return self.root / "log" / "error.log"

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=f"https://127.0.0.1:{self.https_port}",
            headers={"Host": f"{NAME}:{self.https_port}"},
            transport=_NamedTransport(verify=self.context),
        )


class _NamedTransport(httpx.AsyncHTTPTransport):
    """Connects to 127.0.0.1 and says the site's name in the TLS handshake (SNI), as a
    browser resolving the name to this host would."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions = {**request.extensions, "sni_hostname": NAME}
        return await super().handle_async_request(request)


def _certificate(directory: Path) -> Path:
    directory.mkdir(parents=True)
    checked = run_tool(
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
        "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem"),
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    (directory / "chain.pem").write_bytes((directory / "fullchain.pem").read_bytes())
    return directory / "fullchain.pem"


def _configure(root: Path, upstream: str, http_port: int, https_port: int) -> Path:
    conf = root / "etc" / "nginx"
    rendered(
        "nginx",
        root,
        {
            "nginx_conf_dir": str(conf),
            "nginx_log_dir": str(root / "log"),
            "nginx_run_dir": str(root / "run"),
            "nginx_tls_dir": str(root / "tls"),
            "nginx_acme_webroot": str(root / "www"),
            "nginx_http_port": http_port,
            "nginx_https_port": https_port,
            "nginx_api_upstream": upstream,
            "nginx_web_upstream": upstream,
            "nginx_resolvers": ["127.0.0.1"],
            "nginx_user": "root",  # the workers read the test's private directories
        },
        relocate=False,
    )
    # What Debian's package provides beside the role's files, and the role's site link.
    (conf / "mime.types").write_bytes(Path("/etc/nginx/mime.types").read_bytes())
    (conf / "modules-enabled").mkdir()
    (conf / "sites-enabled").mkdir()
    (conf / "sites-enabled" / "courzly.conf").symlink_to(conf / "sites-available/courzly.conf")
    for part in ("log", "run", "www/.well-known/acme-challenge"):
        (root / part).mkdir(parents=True, exist_ok=True)
    return conf / "nginx.conf"


def _wait_for_port(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("nginx did not start listening")


@pytest.fixture(scope="module")
def nginx_config(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    root = tmp_path_factory.mktemp("edge")
    _certificate(root / "tls")
    return root, free_port(), free_port()


@pytest.fixture
async def edge(live_server: str, nginx_config: tuple[Path, int, int]) -> AsyncIterator[Edge]:
    root, http_port, https_port = nginx_config
    upstream = live_server.removeprefix("ws://")
    if not (root / "etc").exists():
        _configure(root, upstream, http_port, https_port)
    config = root / "etc/nginx/nginx.conf"
    tested = run_tool("nginx", "-t", "-c", str(config))
    assert tested.returncode == 0, tested.stderr
    nginx = await asyncio.to_thread(
        subprocess.Popen,
        [tool_path("nginx"), "-c", str(config), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        await asyncio.to_thread(_wait_for_port, https_port, nginx)
        context = ssl.create_default_context(cafile=str(root / "tls" / "fullchain.pem"))
        yield Edge(root, http_port, https_port, context)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)


def test_nginx_t_accepts_the_configuration_as_deployed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _certificate(root / "tls")
    config = _configure(root, "127.0.0.1:8000", 80, 443)
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


def fail2ban_regex(log: Path, filter_path: str) -> dict[str, int]:
    """fail2ban-regex's line counts: matched, missed, ignored."""
    checked = run_tool("fail2ban-regex", str(log), filter_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    counts = {}
    for line in checked.stdout.splitlines():
        if line.startswith("Lines:"):
            # Lines: 12 lines, 0 ignored, 3 matched, 9 missed
            parts = [part.split() for part in line.removeprefix("Lines:").split(",")]
            counts = {words[1]: int(words[0]) for words in parts}
    return counts


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
