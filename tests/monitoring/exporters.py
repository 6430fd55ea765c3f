"""The metric names the stack really exposes, gathered from the real sources: the app's
registries, and Debian's builds of the exporters the compose stack runs (node, postgres with
our extra query, redis, blackbox probing a local HTTPS server) plus mtail reading nginx log
lines in our format. Dashboards and rules may use these names and no others."""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.backups.textfile import Outcome, write_outcome
from app.core.metrics import REGISTRY
from app.migrate import ROOT
from app.workflow import metrics as _workflow_metrics  # noqa: F401 - registers its metrics
from app.workflow.gauges import STATE
from tests.monitoring.tools import free_port, serving, tool_path

MONITORING = ROOT / "monitoring"
SAMPLE_NAME = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", re.MULTILINE)
# Series Prometheus itself makes for every target and alert.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "ALERTS"}


def app_names() -> set[str]:
    """Every sample name the app can expose, even for label sets not seen yet."""
    names: set[str] = set()
    for registry in (REGISTRY, STATE):
        for family in registry.collect():
            suffixes = {
                "counter": ("_total", "_created"),
                "histogram": ("_bucket", "_sum", "_count", "_created"),
                "gauge": ("",),
            }[family.type]
            names |= {family.name + suffix for suffix in suffixes}
    return names


def _scrape_names(url: str, timeout: float = 30) -> set[str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(url, timeout=10)
            if response.status_code == 200:
                return set(SAMPLE_NAME.findall(response.text))
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} never answered"
        time.sleep(0.1)


@contextmanager
def _process(args: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    with log.open("w") as output:
        process = subprocess.Popen(args, stdout=output, stderr=output, env=env)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _scraped(args: list[str], url: str, log: Path, env: dict[str, str] | None = None) -> set[str]:
    """Start an exporter, scrape it once, stop it."""
    with _process(args, log, env):
        return _scrape_names(url)


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=20))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Healthz(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _https_server(directory: Path) -> Iterator[tuple[str, Path]]:
    cert, key = _certificate(directory)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server):
        yield f"https://127.0.0.1:{server.server_address[1]}/healthz", cert


def blackbox_config_trusting(cert: Path, directory: Path) -> Path:
    """The stack's blackbox config, trusting the test server's certificate."""
    text = (MONITORING / "blackbox" / "blackbox.yml").read_text()
    text = re.sub(r"( *)min_version: TLS12", rf"\g<0>\n\1ca_file: {cert}", text)
    path = directory / "blackbox.yml"
    path.write_text(text)
    return path


def nginx_log_lines() -> str:
    """Access log lines as nginx writes them with our log_format (values filled in)."""
    conf = (MONITORING / "nginx" / "log-format.conf").read_text()
    template = "".join(re.findall(r"'([^']*)'", conf))
    values = {
        "time_iso8601": "2026-11-30T10:00:00+00:00",
        "request_id": "0f3c2a9b8d7e6f5a4b3c2d1e0f9a8b7c",
        "remote_addr": "203.0.113.7",
        "host": "courzly.example",
        "request_method": "GET",
        "uri": '/api/v1/courses/say-\\"hi\\"',  # escape=json escapes quotes
        "bytes_sent": "512",
        "upstream_addr": "127.0.0.1:8000",
        "upstream_response_time": "0.041",
        "http_user_agent": "Mozilla/5.0",
    }
    lines = []
    for status, seconds in (("200", "0.042"), ("502", "1.500"), ("200", "0.007")):
        line = template
        for name, value in {**values, "status": status, "request_time": seconds}.items():
            line = line.replace(f"${name}", value)
        line = line.replace("$upstream_status", status)
        assert "$" not in line, line
        lines.append(line)
    return "\n".join(lines) + "\n"


def mtail_metrics(log: Path) -> str:
    done = subprocess.run(
        [
            tool_path("mtail"),
            "--one_shot",
            "--one_shot_format",
            "prometheus",
            "--progs",
            str(MONITORING / "mtail"),
            "--logs",
            str(log),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _without_tls(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "sslmode=disable"


def exporter_names(directory: Path, database_url: str, redis_url: str) -> dict[str, set[str]]:
    """Start each exporter, scrape it once, stop it: {source: sample names}."""
    textfiles = directory / "textfiles"
    for kind in ("full", "diff", "media"):
        write_outcome(textfiles, Outcome(kind, True, time.time(), 12.5, 1024))
    ports = {name: free_port() for name in ("node", "postgres", "redis", "blackbox")}
    url = "http://127.0.0.1:{}/metrics".format
    found = {
        "node": _scraped(
            [
                tool_path("prometheus-node-exporter"),
                f"--web.listen-address=127.0.0.1:{ports['node']}",
                f"--collector.textfile.directory={textfiles}",
            ],
            url(ports["node"]),
            directory / "node.log",
        ),
        "postgres": _scraped(
            [
                tool_path("prometheus-postgres-exporter"),
                f"--web.listen-address=127.0.0.1:{ports['postgres']}",
                f"--extend.query-path={MONITORING / 'postgres-exporter' / 'queries.yaml'}",
            ],
            url(ports["postgres"]),
            directory / "postgres.log",
            # The test server speaks plain TCP on loopback; the exporter insists on TLS else.
            env={"DATA_SOURCE_NAME": _without_tls(database_url), "PATH": "/usr/bin:/bin"},
        ),
        "redis": _scraped(
            [
                tool_path("prometheus-redis-exporter"),
                f"-redis.addr={redis_url}",
                f"-web.listen-address=127.0.0.1:{ports['redis']}",
            ],
            url(ports["redis"]),
            directory / "redis.log",
        ),
    }
    with _https_server(directory) as (target, cert):
        config = blackbox_config_trusting(cert, directory)
        with _process(
            [
                tool_path("prometheus-blackbox-exporter"),
                f"--config.file={config}",
                f"--web.listen-address=127.0.0.1:{ports['blackbox']}",
            ],
            directory / "blackbox.log",
        ):
            probe = f"http://127.0.0.1:{ports['blackbox']}/probe?module=https_2xx&target={target}"
            found["blackbox"] = _scrape_names(probe)
            found["blackbox_probe"] = {httpx.get(probe, timeout=15).text}
    log = directory / "access.json.log"
    log.write_text(nginx_log_lines())
    found["nginx"] = set(SAMPLE_NAME.findall(mtail_metrics(log)))
    return found
