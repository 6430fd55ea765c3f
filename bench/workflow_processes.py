"""The workflow benchmark's processes and their environment: real `courzly worker`
subprocesses, started and stopped by PID, and the clean-up of the Redis keys they leave."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.seed import clean_redis
from bench.serving import ROOT, BenchError

START_TIMEOUT_SECONDS = 30.0
# A stopping worker waits for its running jobs and idle upkeep loops (up to its 10 s grace).
STOP_TIMEOUT_SECONDS = 20.0
READY_LINE = b'"message":"worker started"'  # app/worker.py logs it (JSON) once started


def app_env(
    *,
    database_url: str,
    redis_url: str,
    redis_prefix: str,
    jwt_secret: str,
    data_dir: Path,
    openai_base_url: str,
    lesson_concurrency: int,
    worker_concurrency: int,
) -> dict[str, str]:
    """The settings (by their environment names) of the API and every worker; the bench's
    own baseline writer is built from the same ones."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "JWT_SECRET": jwt_secret,
        "COURZLY_ENV": "test",
        "COURZLY_DATA_DIR": str(data_dir),
        "OPENAI_API_KEY": "sk-fake",
        "OPENAI_BASE_URL": openai_base_url,
        "WORKFLOW_LESSON_CONCURRENCY": str(lesson_concurrency),
        "WORKER_CONCURRENCY": str(worker_concurrency),
        "LOG_LEVEL": "WARNING",  # workers: INFO (see `workers`)
    }


def clean_job_keys(url: str, prefix: str) -> None:
    """The installation's keys, and saq's: it names them "saq:<queue>:..." and
    "saq:job:<queue>:...", and the queue is named after the prefix (app/core/jobs.py)."""
    for pattern in (prefix, f"saq:{prefix}", f"saq:job:{prefix}"):
        clean_redis(url, pattern)


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to all first (saq stops taking jobs and lets running ones finish), so their
    grace periods overlap; SIGKILL to any still running at the deadline."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(processes: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    waiting = list(processes)
    while waiting:
        process, log = waiting[0]
        if process.poll() is not None:
            raise BenchError(f"a worker exited with {process.returncode}:\n{_tail(log)}")
        if READY_LINE in log.read_bytes():
            waiting.pop(0)
            continue
        if time.monotonic() > deadline:
            raise BenchError(f"a worker was not ready within {START_TIMEOUT_SECONDS:.0f}s")
        time.sleep(0.05)


@contextmanager
def workers(env: dict[str, str], count: int, logs: Path, name: str) -> Iterator[list[int]]:
    """`count` worker processes, ready to take jobs; each stopped by its PID on the way
    out (SIGTERM, SIGKILL after a timeout). Yields their PIDs."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        for index in range(count):
            log = logs / f"{name}-worker-{index}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "app.cli", "worker"],
                    cwd=ROOT,
                    env={**env, "LOG_LEVEL": "INFO"},  # for READY_LINE
                    stdout=output,
                    stderr=output,
                )
            started.append((process, log))
        _wait_until_ready(started)
        yield [process.pid for process, _ in started]
    except BenchError:
        for _, log in started:  # the workers' side of what went wrong
            print(f"--- {log.name} (last lines)\n{_tail(log)}", file=sys.stderr)
        raise
    finally:
        _stop([process for process, _ in started])
