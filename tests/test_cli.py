"""The `courzly` command as a user runs it: embedded services, first admin, clean stop, reuse."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from app.migrate import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COURZLY_", "JWT_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return {**env, "COURZLY_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING", **extra}


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "run", "--port", str(port)],
        cwd=ROOT,
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )


def _wait_ready(process: subprocess.Popen[str], port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1][-3000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("courzly run did not become ready")


def _stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C, as a user would press it: SIGINT to the whole process group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-3000:]
    return stderr


def test_run_with_embedded_services_keeps_data_between_runs(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = _free_port()
    first = _start(data_dir, port)
    try:
        _wait_ready(first, port)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/api/v1/openapi.json").status_code == 200
    finally:
        stderr = _stop(first)
    found = re.search(r"first admin account: (\S+)\nPassword \(shown only now\): (\S+)", stderr)
    assert found, stderr[-2000:]
    email, password = found.groups()

    second = _start(data_dir, port)
    try:
        _wait_ready(second, port)
        login = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        created = httpx.post(f"{base}/api/v1/courses", json={"title": "Kept"}, headers=headers)
        assert created.status_code == 201
    finally:
        stderr = _stop(second)
    assert "first admin account" not in stderr  # printed once, on the first run only
    assert (data_dir / "pgdata").is_dir()
    assert (data_dir / "jwt_secret").is_file()


def test_create_admin_and_migrate_against_a_real_server(database_url: str, tmp_path: Path) -> None:
    env = _env(tmp_path, DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:1/0")
    command = [sys.executable, "-m", "app.cli"]
    migrated = subprocess.run(
        [*command, "migrate"], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert migrated.returncode == 0, migrated.stderr
    args = ["create-admin", "--email", "ops@example.com", "--password", "a long admin password"]
    created = subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert created.returncode == 0, created.stderr
    assert "created" in created.stdout
    again = subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert "already exists" in again.stdout
    weak = subprocess.run(
        [*command, "create-admin", "--email", "x@example.com", "--password", "short"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert weak.returncode == 2
    assert "Not created" in weak.stderr
    assert "Traceback" not in weak.stderr


def _migrated_serve(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], int]:
    """`courzly migrate`, then `courzly serve` on a free port, as the backend image runs."""
    command = [sys.executable, "-m", "app.cli"]
    migrated = subprocess.run(
        [*command, "migrate"], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    return process, port


def test_serve_runs_the_api_on_real_services_and_stops_on_sigterm(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """What the backend image runs: no embedded services, no migration of its own."""
    env = _env(tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url, LOG_LEVEL="INFO")
    process, port = _migrated_serve(env)
    try:
        _wait_ready(process, port)
    finally:
        process.terminate()  # SIGTERM, as `docker stop` sends it
        stdout, stderr = process.communicate(timeout=60)
    # A graceful stop, then uvicorn re-raises the signal: the exit says "ended by SIGTERM".
    assert process.returncode in (0, -signal.SIGTERM), stderr[-3000:]
    assert "Application shutdown complete" in stdout + stderr  # JSON logs on stdout
    assert not (tmp_path / "pgdata").exists()  # nothing embedded was started

    missing = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"], env=_env(tmp_path), capture_output=True,
        text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert missing.returncode == 2
    assert "serve needs DATABASE_URL and REDIS_URL" in missing.stderr
    assert "Traceback" not in missing.stderr


def _healthz_counts(shared: Path) -> dict[str, float]:
    """GET /healthz answers counted by each API process, from its own metrics file."""
    counts: dict[str, float] = {}
    for path in shared.glob("counter_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        counts[pid] = sum(
            value
            for key, value, *_ in MmapedDict.read_all_values_from_file(str(path))
            if '"courzly_http_requests_total"' in key and '"/healthz"' in key
        )
    return counts


def test_serve_with_several_processes_sums_their_metrics(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """/metrics is answered by whichever process gets the request; every answer counts the
    requests of all of them (prometheus_client's multiprocess mode, switched on by serve)."""
    env = _env(tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url)
    process, port = _migrated_serve(env, "--processes", "2")
    try:
        _wait_ready(process, port)
        shared = Path(tempfile.gettempdir()) / f"courzly-metrics-{process.pid}"
        deadline = time.monotonic() + 60
        while len(_healthz_counts(shared)) < 2 or 0 in _healthz_counts(shared).values():
            # A new connection each: the kernel spreads them over both processes once the
            # second one has started too.
            assert time.monotonic() < deadline, f"not served by two: {_healthz_counts(shared)}"
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        sent = sum(_healthz_counts(shared).values())
        for _ in range(6):
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            served = [
                sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
                if sample.name == "courzly_http_requests_total"
                and sample.labels == {"method": "GET", "route": "/healthz", "status": "200"}
            ]
            assert served == [float(sent)]  # the same total whichever process answered
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=60)
    assert process.returncode in (0, -signal.SIGTERM), stderr[-3000:]
