"""The web image, checked as far as it can be without a Docker engine: hadolint on its
Dockerfile, and its nginx config (exactly as shipped, bar the port and the root) served by
the real nginx over the real build."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.migrate import ROOT
from tests.hadolint import assert_hadolint_clean
from tests.realtime.live import free_port
from tests.web.live import ensure_web_build

WEB = ROOT / "frontend"
NGINX = Path("/usr/sbin/nginx")


def ensure_nginx() -> Path:
    if not NGINX.exists():
        script = ROOT / "scripts" / "ensure-packages.sh"
        subprocess.run([str(script), "nginx"], check=True, timeout=900)
    return NGINX


def _replaced_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the shipped config no longer has exactly one {old!r}"
    return text.replace(old, new)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    nginx, dist, port = ensure_nginx(), ensure_web_build(), free_port()
    site = (WEB / "nginx" / "default.conf").read_text()
    site = _replaced_once(site, "listen 8080;", f"listen 127.0.0.1:{port};")
    site = _replaced_once(site, "root /usr/share/nginx/html;", f"root {dist};")
    (tmp_path / "site.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"""worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
daemon off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {tmp_path}/site.conf;
}}
"""
    )
    checked = subprocess.run(
        [str(nginx), "-t", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    process = subprocess.Popen([str(nginx), "-c", str(main), "-p", str(tmp_path)])
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, (tmp_path / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()  # SIGTERM: nginx's fast shutdown
        process.wait(timeout=10)


def test_the_dockerfile_passes_hadolint_with_no_rule_ignored() -> None:
    assert_hadolint_clean(WEB / "Dockerfile")


def test_the_image_runs_unprivileged_from_pinned_bases_and_keeps_secrets_out() -> None:
    text = (WEB / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert len(bases) == 2
    assert all(re.search(r":\d+\.\d+\.\d+", base) for base in bases), bases
    final = text.rsplit("FROM ", 1)[1]
    assert "nginx-unprivileged" in final
    assert re.search(r"^USER 101$", final, re.MULTILINE)
    assert "HEALTHCHECK" in final
    ignored = (WEB / ".dockerignore").read_text().split()
    assert {"node_modules", "dist", ".env", ".git"} <= set(ignored)


def test_hashed_assets_are_kept_a_year_and_every_route_gets_a_fresh_index(served: str) -> None:
    index = httpx.get(f"{served}/")
    assert index.status_code == 200
    assert index.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in index.headers["content-security-policy"]
    assert index.headers["x-frame-options"] == "DENY"
    deep = httpx.get(f"{served}/courses/123/lessons/456")  # a route of the app
    assert (deep.status_code, deep.text) == (200, index.text)

    asset = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
    assert asset is not None
    script = httpx.get(f"{served}{asset.group(1)}")
    assert script.status_code == 200
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.headers["content-type"].startswith("application/javascript")

    assert httpx.get(f"{served}/assets/no-such-file.js").status_code == 404  # not the index
    maps = list((ensure_web_build() / "assets").glob("*.map"))  # built "hidden": never served
    assert maps
    assert httpx.get(f"{served}/assets/{maps[0].name}").status_code == 404
    health = httpx.get(f"{served}/healthz")
    assert (health.status_code, health.text) == (200, "ok\n")
