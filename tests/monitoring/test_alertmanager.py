"""Alertmanager's configuration as `courzly monitoring-config` writes it from the settings:
amtool accepts every combination of receivers, routes send each severity where it should,
and a real Alertmanager (Debian's) delivers to a webhook and to an SMTP server and holds
back a host's alerts while HostDown fires for it."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from app.cli import cli
from app.monitoring.config import MonitoringSettings
from app.monitoring.render import ALERTMANAGER_FILE, render
from tests.monitoring.tools import free_port, run_tool, serving, tool_path

WEBHOOK = "https://hooks.example/T000/secret-token"


def _settings(**values: Any) -> MonitoringSettings:
    return MonitoringSettings.model_validate(values)


def _rendered(tmp_path: Path, **values: Any) -> Path:
    render(_settings(**values), tmp_path)
    return tmp_path / ALERTMANAGER_FILE


EMAIL = {
    "ALERT_EMAIL_TO": "ops@courzly.example",
    "ALERT_SMTP_SMARTHOST": "smtp.courzly.example:587",
    "ALERT_SMTP_USERNAME": "alerts",
    "ALERT_SMTP_PASSWORD": "smtp-password-123",
}


@pytest.mark.parametrize(
    "values",
    [{}, EMAIL, {"ALERT_WEBHOOK_URL": WEBHOOK}, {**EMAIL, "ALERT_WEBHOOK_URL": WEBHOOK}],
    ids=["no-receiver", "email", "webhook", "both"],
)
def test_amtool_accepts_the_config_for_every_receiver_choice(
    tmp_path: Path, values: dict[str, str]
) -> None:
    path = _rendered(tmp_path, **values)
    checked = run_tool("amtool", "check-config", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert path.stat().st_mode & 0o077 == 0  # it may hold the SMTP password


def _route(path: Path, *labels: str) -> str:
    routed = run_tool("amtool", "config", "routes", "test", "--config.file", str(path), *labels)
    assert routed.returncode == 0, routed.stdout + routed.stderr
    return routed.stdout.strip()


def test_critical_alerts_page_and_warnings_make_tickets(tmp_path: Path) -> None:
    path = _rendered(tmp_path, **EMAIL, ALERT_WEBHOOK_URL=WEBHOOK)
    assert _route(path, "alertname=PostgresDown", "severity=critical") == "page"
    assert _route(path, "alertname=HostDiskWillFill", "severity=warning") == "ticket"
    config = yaml.safe_load(path.read_text())
    receivers = {r["name"]: r for r in config["receivers"]}
    # Pages go both ways; tickets to the webhook only, so mail stays for what is urgent.
    assert set(receivers["page"]) == {"name", "email_configs", "webhook_configs"}
    assert set(receivers["ticket"]) == {"name", "webhook_configs"}
    # With e-mail alone, tickets are mailed too.
    alone = yaml.safe_load(_rendered(tmp_path / "mail", **EMAIL).read_text())
    assert {r["name"]: set(r) for r in alone["receivers"]}["ticket"] == {"name", "email_configs"}


def test_the_command_warns_when_no_one_would_be_notified(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = CliRunner().invoke(cli, ["monitoring-config", "--out", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert "notify no one" in result.output
    assert "PUBLIC_URL is not set" in result.output
    bad = CliRunner().invoke(
        cli, ["monitoring-config", "--out", str(tmp_path)], env={**env, "PUBLIC_URL": "nope"}
    )
    assert bad.exit_code == 2
    assert "Configuration error" in bad.output
    assert "Traceback" not in bad.output


# --- a live Alertmanager ----------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/alerts", received


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(BytesParser(policy=default).parsebytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[str, _Mailbox]]:
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"127.0.0.1:{controller.port}", mailbox
    finally:
        controller.stop()


@pytest.fixture
def alertmanager(
    tmp_path: Path, webhook: tuple[str, list[Any]], smtp: tuple[str, _Mailbox]
) -> Iterator[str]:
    config = _rendered(
        tmp_path,
        ALERT_WEBHOOK_URL=webhook[0],
        ALERT_EMAIL_TO="ops@courzly.example",
        ALERT_SMTP_SMARTHOST=smtp[0],
        ALERT_SMTP_REQUIRE_TLS="false",  # the test's SMTP server speaks plain text
        ALERT_GROUP_WAIT="1s",
    )
    port, cluster = free_port(), free_port()
    process = subprocess.Popen(
        [
            tool_path("prometheus-alertmanager"),
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--cluster.listen-address=127.0.0.1:{cluster}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "alertmanager.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: httpx.get(f"{url}/-/ready").status_code == 200, "Alertmanager ready")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.1)


def _alert(name: str, severity: str, **labels: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "labels": {"alertname": name, "severity": severity, **labels},
        "annotations": {"summary": f"{name} test"},
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(minutes=10)).isoformat(),
    }


def test_a_real_alertmanager_pages_by_mail_and_webhook_and_inhibits_a_down_host(
    alertmanager: str, webhook: tuple[str, list[dict[str, Any]]], smtp: tuple[str, _Mailbox]
) -> None:
    alerts = [
        _alert("HostDown", "critical", host="app", job="node", instance="node-exporter:9100"),
        _alert("PostgresDown", "critical", host="app", job="postgres"),
        _alert("RedisMemoryHigh", "warning", host="other-host", job="redis"),
    ]
    posted = httpx.post(f"{alertmanager}/api/v2/alerts", json=alerts)
    assert posted.status_code == 200, posted.text

    def statuses() -> dict[str, dict[str, Any]]:
        found = httpx.get(f"{alertmanager}/api/v2/alerts").json()
        return {a["labels"]["alertname"]: a["status"] for a in found}

    _wait_until(lambda: len(statuses()) == 3, "the three alerts to be stored")
    status = statuses()
    assert status["PostgresDown"]["state"] == "suppressed"
    assert status["PostgresDown"]["inhibitedBy"], "HostDown should hold back the host's alerts"
    assert status["HostDown"]["state"] == "active"
    assert status["RedisMemoryHigh"]["state"] == "active"  # another host: not held back

    received = webhook[1]
    _wait_until(lambda: {"page", "ticket"} <= {r["receiver"] for r in received}, "webhooks")
    sent = {a["labels"]["alertname"] for r in received for a in r["alerts"]}
    assert sent == {"HostDown", "RedisMemoryHigh"}
    mailbox = smtp[1]
    _wait_until(lambda: bool(mailbox.messages), "the page by e-mail")
    assert all(m["To"] == "ops@courzly.example" for m in mailbox.messages)
    assert "HostDown" in str(mailbox.messages[0]["Subject"])
    # Give a stray notice time to arrive: the warning must never be mailed (webhook only).
    time.sleep(2)
    assert not any("RedisMemoryHigh" in str(m["Subject"]) for m in mailbox.messages)
