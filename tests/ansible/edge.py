"""The edge nginx for the tests: the nginx role's configuration rendered by its own tasks
into a temporary directory (high loopback ports, a test certificate), run by Debian 12's
nginx; and fail2ban-regex's verdict on the logs it writes."""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.ansible.render import rendered
from tests.monitoring.tools import run_tool, tool_path

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


def certificate(directory: Path) -> Path:
    directory.mkdir(parents=True)
    checked = run_tool(
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
        "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem"),
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    (directory / "chain.pem").write_bytes((directory / "fullchain.pem").read_bytes())
    return directory / "fullchain.pem"


def configure(root: Path, upstream: str, http_port: int, https_port: int, **settings: Any) -> Path:
    """The role's nginx configuration under root/etc/nginx; its main file."""
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
            **settings,
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


def wait_for_port(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("nginx did not start listening")


@contextmanager
def running(config: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    """nginx on `config` until the block ends (stopped by the PID it was started with)."""
    tested = run_tool("nginx", "-t", "-c", str(config))
    assert tested.returncode == 0, tested.stderr
    nginx = subprocess.Popen(
        [tool_path("nginx"), "-c", str(config), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, nginx)
        yield nginx
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)


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
