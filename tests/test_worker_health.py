"""The worker's liveness file and `courzly worker-health`, the worker container's healthcheck:
healthy while a real worker process runs, unhealthy once it stops or its sign of life goes
stale."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.config import Settings
from tests.workers import ROOT, settings_env, worker_process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _health(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.cli", "worker-health", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)


def test_a_running_worker_is_healthy_and_a_stopped_one_is_not(
    settings: Settings, tmp_path: Path
) -> None:
    alive = tmp_path / "run" / "worker.alive"
    port = _free_port()
    env = settings_env(
        settings.model_copy(update={"worker_health_file": alive, "worker_metrics_port": port})
    )
    before = _health(env)
    assert before.returncode == 1
    assert "No worker has started here" in before.stderr

    with worker_process(env, tmp_path / "worker.log") as process:
        deadline = time.monotonic() + 30
        while not alive.exists():
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never proved alive"
            time.sleep(0.1)
        healthy = _health(env)
        assert healthy.returncode == 0, healthy.stderr
        assert "The worker is alive" in healthy.stdout
        # Its own metrics, on its own port (one per worker process).
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            exposed = answer.read().decode()
        for family in ("courzly_jobs_total", "courzly_ai_tokens_total", "courzly_job_wait_seconds"):
            assert f"# TYPE {family.removesuffix('_total')}" in exposed, family
    assert not alive.exists()  # a worker that stopped cleanly leaves no sign of life
    assert _health(env).returncode == 1


def test_a_stale_sign_of_life_is_unhealthy(settings: Settings, tmp_path: Path) -> None:
    """What a hung worker (or one that lost Redis) looks like to the healthcheck."""
    alive = tmp_path / "worker.alive"
    alive.touch()
    env = settings_env(settings.model_copy(update={"worker_health_file": alive}))
    assert _health(env, "--max-age", "45").returncode == 0
    old = time.time() - 120
    os.utime(alive, (old, old))
    stale = _health(env, "--max-age", "45")
    assert stale.returncode == 1
    assert re.search(r"last proved alive 1[23]\d s ago", stale.stderr), stale.stderr
