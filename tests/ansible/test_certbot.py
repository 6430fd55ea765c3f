"""The certbot role against a local ACME server (Debian's pebble, with pebble-challtestsrv
answering its DNS): the role's bootstrap certificate lets the edge nginx start, the
role's issue task gets a certificate over HTTP-01 through that nginx's challenge
location, and the deploy hook moves nginx to it and reloads; a forced renewal runs the
hook again and nginx serves the new certificate. Everything on loopback."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ansible.edge import NAME, configure, running, wait_for_port
from tests.ansible.playbooks import run_role_tasks
from tests.monitoring.tools import free_port, run_tool, tool_path


@dataclass(frozen=True)
class Acme:
    directory: str
    ca_bundle: Path


def _tls_for_pebble(folder: Path) -> Path:
    """A CA and a certificate for 127.0.0.1, for pebble's own HTTPS; the CA file for certbot."""
    folder.mkdir()
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["req", "-x509", *key, "-days", "2", "-subj", "/CN=Courzly test ACME CA",
         "-keyout", str(ca_key), "-out", str(ca)],
        ["req", *key, "-subj", "/CN=127.0.0.1", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "req.csr")],
        ["x509", "-req", "-in", str(folder / "req.csr"), "-CA", str(ca), "-CAkey", str(ca_key),
         "-CAcreateserial", "-days", "2", "-out", str(folder / "cert.pem"),
         "-extfile", "/dev/stdin"],
    ]  # fmt: skip
    for command in commands[:2]:
        assert run_tool("openssl", *command).returncode == 0
    signed = subprocess.run(
        [tool_path("openssl"), *commands[2]],
        input="subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert signed.returncode == 0, signed.stderr
    return ca


@pytest.fixture
def acme(tmp_path: Path, http_port: int) -> Iterator[Acme]:
    ca = _tls_for_pebble(tmp_path / "pebble-tls")
    dns_port, acme_port, management = free_port(), free_port(), free_port()
    config = tmp_path / "pebble.json"
    settings = {
        "listenAddress": f"127.0.0.1:{acme_port}",
        "managementListenAddress": f"127.0.0.1:{management}",
        "certificate": str(tmp_path / "pebble-tls/cert.pem"),
        "privateKey": str(tmp_path / "pebble-tls/key.pem"),
        "httpPort": http_port,  # the edge nginx: where pebble fetches the challenge
        "tlsPort": free_port(),
        "ocspResponderURL": "",
        "externalAccountBindingRequired": False,
    }
    config.write_text(json.dumps({"pebble": settings}))
    dns = subprocess.Popen(
        [tool_path("pebble-challtestsrv"), "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
         "-dns01", f"127.0.0.1:{dns_port}", "-http01", "", "-https01", "", "-tlsalpn01", "",
         "-management", f"127.0.0.1:{free_port()}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    pebble = subprocess.Popen(
        [tool_path("pebble"), "-config", str(config), "-dnsserver", f"127.0.0.1:{dns_port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"},
    )
    try:
        wait_for_port(acme_port, pebble)
        yield Acme(f"https://127.0.0.1:{acme_port}/dir", ca)
    finally:
        for process in (pebble, dns):
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def http_port() -> int:
    return free_port()


def _certbot_role(tmp_path: Path, variables: dict[str, object], acme: Acme, *tasks: str) -> str:
    """The certbot role's task files, run by Ansible on this machine with `variables`."""
    ran = run_role_tasks(
        tmp_path, "certbot", list(tasks), variables, env={"REQUESTS_CA_BUNDLE": str(acme.ca_bundle)}
    )
    assert ran.returncode == 0, ran.stdout[-6000:] + ran.stderr[-2000:]
    return ran.stdout


def _served_issuer(port: int) -> tuple[str, int]:
    """The issuer and serial of the certificate nginx presents for the site's name."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=NAME) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    shown = subprocess.run(
        [tool_path("openssl"), "x509", "-inform", "DER", "-noout", "-issuer", "-serial"],
        input=der, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    issuer = shown.split("issuer=")[1].splitlines()[0]
    serial = int(shown.split("serial=")[1].strip(), 16)
    return issuer, serial


def _served_once_reloaded(port: int, before: int) -> tuple[str, int]:
    """What nginx serves once its reload finished: old workers finish their connections
    first, so the new certificate shows up a moment after the hook returns."""
    deadline = time.monotonic() + 10
    while True:
        issuer, serial = _served_issuer(port)
        if serial != before or time.monotonic() > deadline:
            return issuer, serial
        time.sleep(0.1)


def test_issue_and_renew_through_the_edge_nginx(tmp_path: Path, acme: Acme, http_port: int) -> None:
    https_port = free_port()
    edge = tmp_path / "edge"
    live = edge / "tls"  # nginx_tls_dir: the link the role keeps
    nginx_conf = edge / "etc/nginx/nginx.conf"
    hook_log = tmp_path / "hook.log"
    variables: dict[str, object] = {
        "certbot_domains": [NAME],
        "certbot_email": "ops@courzly.test",
        "certbot_server": acme.directory,
        "certbot_webroot": str(edge / "www"),
        "certbot_live_link": str(live),
        "certbot_bootstrap_dir": str(tmp_path / "bootstrap"),
        "certbot_config_dir": str(tmp_path / "letsencrypt"),
        "certbot_work_dir": str(tmp_path / "certbot-work"),
        "certbot_logs_dir": str(tmp_path / "certbot-logs"),
        "certbot_hook_path": str(tmp_path / "hooks/deploy"),
        "certbot_nginx_test_command": f"nginx -t -q -c {nginx_conf}",
        "certbot_reload_command": (
            f"kill -HUP $(cat {edge}/run/nginx.pid) && echo reloaded >> {hook_log}"
        ),
        "certbot_manage_timer": False,
    }

    _certbot_role(tmp_path, variables, acme, "main")  # bootstrap certificate, link, hook
    assert live.resolve() == tmp_path / "bootstrap"
    configure(edge, "127.0.0.1:9", http_port, https_port, nginx_tls_dir=str(live))
    with running(nginx_conf, https_port):
        issuer, bootstrap_serial = _served_issuer(https_port)
        assert f"CN = {NAME}" in issuer  # self-signed: the bootstrap certificate

        _certbot_role(tmp_path, variables, acme, "issue")
        assert live.resolve() == tmp_path / "letsencrypt/live/courzly"
        assert hook_log.read_text().splitlines() == ["reloaded"]
        issuer, first_serial = _served_once_reloaded(https_port, bootstrap_serial)
        assert "Pebble Intermediate CA" in issuer

        again = _certbot_role(tmp_path, variables, acme, "issue")  # already issued: nothing to do
        assert "changed: " not in again.split("Request the certificate")[1]

        # As certbot.timer runs it: the saved server and deploy hook come from the lineage.
        renewed = subprocess.run(
            [tool_path("certbot"), "renew", "--force-renewal", "--non-interactive",
             "--no-random-sleep-on-renew",
             "--config-dir", str(tmp_path / "letsencrypt"),
             "--work-dir", str(tmp_path / "certbot-work"),
             "--logs-dir", str(tmp_path / "certbot-logs")],
            capture_output=True, text=True, timeout=300, check=False,
            env={**os.environ, "REQUESTS_CA_BUNDLE": str(acme.ca_bundle)},
        )  # fmt: skip
        assert renewed.returncode == 0, renewed.stdout + renewed.stderr
        assert hook_log.read_text().splitlines() == ["reloaded", "reloaded"]
        issuer, second_serial = _served_once_reloaded(https_port, first_serial)
        assert "Pebble Intermediate CA" in issuer
        assert second_serial != first_serial
