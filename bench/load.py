"""Load generators: wrk for closed-loop throughput, and a small asyncio HTTP/1.1 client for
open-loop latency at a fixed rate (plus the single request that checks a page first)."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bench.serving import HOST, BenchError, CpuMeter

REQUEST_TIMEOUT_SECONDS = 5.0
WRK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Throughput:
    requests: int
    seconds: float
    requests_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    timeouts: int
    server_cpu_percent: float | None
    machine_cpu_percent: float | None


@dataclass(frozen=True)
class Latency:
    rate: int
    seconds: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    max_send_lag_ms: float


# --- a minimal keep-alive HTTP/1.1 client ---------------------------------------------------
# Enough for these servers (Content-Length bodies, no chunking) and far cheaper per request
# than a general client, so the generator is not the bottleneck at the rates used here.


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer)

    async def fetch(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        length = None
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ConnectionError("a response without Content-Length")
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def http_request(port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class ConnectionPool:
    """A fixed number of keep-alive connections; a broken one is reopened by its next user."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self.idle: asyncio.Queue[Connection | None] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)

    async def fill(self) -> None:
        opened = [await Connection.open(self.port) for _ in range(self.idle.qsize())]
        self.idle = asyncio.Queue()
        for connection in opened:
            self.idle.put_nowait(connection)

    async def fetch(self, request: bytes) -> tuple[int, bytes]:
        connection = await self.idle.get()
        try:
            if connection is None:
                connection = await Connection.open(self.port)
            response = await connection.fetch(request)
        except BaseException:
            if connection is not None:
                connection.close()
            self.idle.put_nowait(None)
            raise
        self.idle.put_nowait(connection)
        return response

    def close(self) -> None:
        while not self.idle.empty():
            connection = self.idle.get_nowait()
            if connection is not None:
                connection.close()


async def get_once(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = await Connection.open(port)
    try:
        return await connection.fetch(http_request(port, path, headers))
    finally:
        connection.close()


# --- throughput: wrk ------------------------------------------------------------------------

# wrk's own summary is for people; this prints the figures we need as one JSON line.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status": %d, "connect": %d, '
    .. '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def write_wrk_script(directory: Path) -> Path:
    script = directory / "report.lua"
    script.write_text(WRK_REPORT)
    return script


def _wrk_figures(command: list[str], seconds: int) -> dict[str, int]:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    figures: dict[str, int] = json.loads(lines[0].removeprefix("BENCH_JSON "))
    return figures


def run_wrk(
    url: str,
    headers: dict[str, str],
    *,
    script: Path,
    server_pid: int,
    seconds: int,
    threads: int,
    connections: int,
) -> Throughput:
    """Closed-loop throughput. Fails on any non-2xx/3xx answer or socket error; requests
    slower than WRK_TIMEOUT_SECONDS are counted as timeouts (a figure, not a failure)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", f"{WRK_TIMEOUT_SECONDS}s", "-s", str(script)]
    command += [f"-H{name}: {value}" for name, value in headers.items()]
    meter = CpuMeter(server_pid)
    meter.start()
    figures = _wrk_figures([*command, url], seconds)
    server_cpu, machine_cpu = meter.stop()
    failures = {key: figures[key] for key in ("status", "connect", "read", "write")}
    if any(failures.values()):
        raise BenchError(f"wrk saw failed requests on {url} (status = non-2xx/3xx): {failures}")
    elapsed = figures["duration_us"] / 1e6
    return Throughput(
        requests=figures["requests"],
        seconds=round(elapsed, 3),
        requests_per_second=round(figures["requests"] / elapsed, 1),
        latency_p50_ms=figures["p50_us"] / 1000,
        latency_p99_ms=figures["p99_us"] / 1000,
        timeouts=figures["timeout"],
        server_cpu_percent=server_cpu,
        machine_cpu_percent=machine_cpu,
    )


# --- latency: an open-loop client -----------------------------------------------------------


def percentile(sorted_values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class Sample(NamedTuple):
    latency: float  # from the scheduled send time to the whole response (or the failure)
    send_lag: float  # how late the generator issued it: its own share of the latency
    ok: bool


async def _timed_request(pool: ConnectionPool, request: bytes, scheduled: float) -> Sample:
    lag = time.perf_counter() - scheduled
    try:
        status, _ = await asyncio.wait_for(pool.fetch(request), REQUEST_TIMEOUT_SECONDS)
        ok = status == 200
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
        ok = False
    return Sample(time.perf_counter() - scheduled, lag, ok)


async def open_loop(
    port: int, request: bytes, *, rate: int, seconds: int, connections: int
) -> Latency:
    """Send at a fixed rate whatever the responses do, so a slow server cannot slow the
    schedule (no coordinated omission); latency counts from when a request was due."""
    pool = ConnectionPool(port, connections)
    await pool.fill()
    start = time.perf_counter() + 0.1
    tasks = []
    try:
        for index in range(rate * seconds):
            scheduled = start + index / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            tasks.append(asyncio.create_task(_timed_request(pool, request, scheduled)))
        samples = await asyncio.gather(*tasks)
    finally:
        pool.close()
    return _latency(samples, rate, seconds)


def _latency(samples: Sequence[Sample], rate: int, seconds: int) -> Latency:
    latencies = sorted(sample.latency for sample in samples)

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    return Latency(
        rate=rate,
        seconds=seconds,
        requests=len(samples),
        errors=sum(1 for sample in samples if not sample.ok),
        p50_ms=ms(percentile(latencies, 50)),
        p95_ms=ms(percentile(latencies, 95)),
        p99_ms=ms(percentile(latencies, 99)),
        max_ms=ms(latencies[-1]),
        max_send_lag_ms=ms(max(sample.send_lag for sample in samples)),
    )
