"""Serving an app under test: one uvicorn subprocess (a supervisor and its workers when
--processes > 1) on a free local port, stopped by its PID, and the CPU it used."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
# uvicorn logs this (at info level) once per worker when the app's lifespan startup is done.
READY_LINE = b"Application startup complete."


class BenchError(Exception):
    """The benchmark could not measure what it set out to (not: a target was missed)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn_command(app: str, port: int, processes: int) -> list[str]:
    """The one way every app is served: uvloop, httptools, no access log, `processes`
    workers (uvicorn runs a supervisor above them only when there is more than one)."""
    command = [
        *(sys.executable, "-m", "uvicorn", app, "--factory"),
        *("--host", HOST, "--port", str(port)),
        *("--loop", "uvloop", "--http", "httptools"),
        *("--ws-per-message-deflate", "false"),  # as `courzly run` serves it
        # Info level only adds start and stop lines (no access log): READY_LINE among them.
        *("--no-access-log", "--log-level", "info"),
    ]
    if processes > 1:
        command += ["--workers", str(processes)]
    return command


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_ready(
    process: subprocess.Popen[bytes], port: int, log: Path, processes: int
) -> None:
    """Wait until every worker has finished its startup (each logs READY_LINE), then until
    the port answers. With workers, the supervisor listens before they have loaded the app,
    and the first one up would otherwise accept every connection wrk opens at once."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the server exited with {process.returncode}:\n{_tail(log)}")
        if log.read_bytes().count(READY_LINE) >= processes:
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                return
            except OSError:
                pass
        time.sleep(0.1)
    raise BenchError(f"the server was not ready within {START_TIMEOUT_SECONDS:.0f}s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and uvicorn stops its workers itself; SIGKILL after a timeout, and then the
    workers it could not stop are killed by the PIDs noted before (if still the same
    processes: same start time), never by name."""
    if process.poll() is not None:
        return
    workers = {pid: _start_time(pid) for pid in descendants(process.pid)}
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
        return
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid, started in workers.items():
        try:
            if started is not None and _start_time(pid) == started:
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextmanager
def serve(app: str, env: dict[str, str], log: Path, processes: int) -> Iterator[Server]:
    """Start uvicorn as a subprocess on a free port; stop that process on the way out."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            uvicorn_command(app, port, processes),
            cwd=ROOT,  # `python -m uvicorn` puts the working directory on sys.path: bench.*
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        _wait_until_ready(process, port, log, processes)
        yield Server(port, process.pid)
    finally:
        _stop(process)


# --- CPU use (Linux /proc) ------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    # The command name (field 2) may hold spaces; everything after its closing ")" splits.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """PIDs of a process's children, their children and so on (uvicorn's workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(int(entry.name))[1])
            except (OSError, ValueError, IndexError):
                continue  # it exited while we looked
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _start_time(pid: int) -> int | None:
    try:
        return int(_stat_fields(pid)[19])  # field 22: start time, in clock ticks after boot
    except (OSError, ValueError, IndexError):
        return None


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants: with workers, the supervisor alone does
    next to nothing (and its cutime counts only children that have exited)."""
    total = _cpu_seconds(pid)
    for worker in descendants(pid):
        try:
            total += _cpu_seconds(worker)
        except (OSError, ValueError, IndexError):
            continue  # it exited while we looked
    return total


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU use of the server, its workers included (% of one core, so up to 100 x cores), and
    of the whole machine (% of all cores) between start() and stop(): shows whether the
    server, or the box, was the limit. Linux only; elsewhere the figures are None."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._start: tuple[float, float, int, int] | None = None

    def _read(self) -> tuple[float, float, int, int] | None:
        try:
            busy, total = _machine_jiffies()
            return time.monotonic(), _tree_cpu_seconds(self.pid), busy, total
        except (OSError, ValueError, IndexError):
            return None

    def start(self) -> None:
        self._start = self._read()

    def stop(self) -> tuple[float | None, float | None]:
        end = self._read()
        if self._start is None or end is None:
            return None, None
        wall, process, busy, total = (b - a for a, b in zip(self._start, end, strict=True))
        return round(100 * process / wall, 1), round(100 * busy / max(total, 1), 1)
