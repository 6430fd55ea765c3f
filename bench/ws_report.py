"""The WebSocket benchmark's figures: latency summaries, the printed report and the JSON file."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.load import percentile
from bench.ws_options import WsOptions

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_P99_MS = 50.0
VERDICT = {True: "OK", False: "MISSED"}


@dataclass(frozen=True)
class Spread:
    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        ordered = sorted(values)

        def at(percent: float) -> float:
            return round(percentile(ordered, percent), 2)

        return cls(len(ordered), at(50), at(95), at(99), round(ordered[-1], 2))


@dataclass(frozen=True)
class WsResult:
    connected: int
    connect_failed: int
    connect_errors: list[str]
    connect_all_seconds: float  # first socket opening -> last one subscribed
    connect_each_seconds: Spread  # per socket: open -> authenticated -> subscribed
    expected: int
    received: int
    sockets_in_order: int  # got exactly seq 1..events, ascending, once each
    fanout_ms: Spread  # emit() called -> frame read by a client, every delivery
    first_socket_ms: Spread  # per event, its first delivery: the pipeline without the fan-out
    last_socket_ms: Spread  # per event, its last delivery: when every socket had it
    emit_ms: Spread  # emit() itself: append, commit, publish
    baseline_ms: Spread  # straight Redis publish -> one plain subscriber in the bench
    server_cpu_percent: float | None  # while publishing, % of one core
    client_cpu_percent: list[float | None]  # the same, per client process
    machine_cpu_percent: float | None  # the same, % of all cores

    @property
    def all_received(self) -> bool:
        return self.received == self.expected and self.sockets_in_order == self.connected

    @property
    def p99_ok(self) -> bool:
        return self.all_received and self.fanout_ms.p99 < TARGET_P99_MS


def summary(result: WsResult) -> dict[str, Any]:
    return {
        "p99_ms": result.fanout_ms.p99,
        "p99_target_ms": TARGET_P99_MS,
        "p99_ok": result.p99_ok,
        "all_received": result.all_received,
        "context": {"baseline_p99_ms": result.baseline_ms.p99},
    }


def _spread(label: str, spread: Spread, unit: str = "ms") -> None:
    figures = "  ".join(
        f"{name} {getattr(spread, name):>7.2f}" for name in ("p50", "p95", "p99", "max")
    )
    print(f"  {label:44}{figures} {unit}  (n={spread.count:,})")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def print_report(options: WsOptions, result: WsResult) -> None:
    print(
        f"\n{options.clients} WebSocket clients in {options.client_processes} client "
        f"process(es), one course; 1 API process (uvicorn, uvloop); permessage-deflate "
        f"{'offered' if options.deflate else 'off'}; {options.events} events at "
        f"{options.rate:g}/s"
    )
    print(
        f"  connect+auth+subscribe, all clients      {result.connect_all_seconds:8.2f} s  "
        f"({result.connected} connected, {result.connect_failed} failed, "
        f"{options.connect_concurrency} opening at once)"
    )
    _spread("  of which per socket", result.connect_each_seconds, "s ")
    print(
        f"  deliveries received / expected          {result.received:,} / {result.expected:,}"
        f"  (sockets with seq 1..{options.events} in order: "
        f"{result.sockets_in_order}/{result.connected})"
    )
    _spread("delivery latency (emit -> client)", result.fanout_ms)
    _spread("  per event, its first delivery", result.first_socket_ms)
    _spread("  per event, its last delivery", result.last_socket_ms)
    _spread("  of which emit() (append, commit, publish)", result.emit_ms)
    _spread("context: Redis publish -> 1 subscriber", result.baseline_ms)
    clients = ", ".join(_percent(value) for value in result.client_cpu_percent)
    print(
        f"  CPU while publishing: server {_percent(result.server_cpu_percent)} of a core, "
        f"clients {clients}, machine {_percent(result.machine_cpu_percent)} of "
        f"{os.cpu_count()} cores"
    )
    for error in result.connect_errors:
        print(f"    connect error: {error}")
    print(
        f"\ntarget   every delivery received, in order: {result.received:,}/{result.expected:,}"
        f"  {VERDICT[result.all_received]}"
    )
    print(
        f"target   p99 delivery latency < {TARGET_P99_MS:g} ms: {result.fanout_ms.p99:.2f} ms"
        f"  {VERDICT[result.p99_ok]}"
    )
    print(
        f"context  the fan-out adds {result.fanout_ms.p99 - result.baseline_ms.p99:.2f} ms "
        f"at p99 to a bare Redis publish ({result.baseline_ms.p99:.2f} ms)"
    )


def environment() -> dict[str, Any]:
    packages = ("uvicorn", "uvloop", "websockets", "redis", "sqlalchemy", "asyncpg")
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "packages": {name: version(name) for name in packages},
    }


def write_results(options: WsOptions, result: WsResult) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "time": stamp,
        "options": asdict(options),
        "environment": environment(),
        "results": asdict(result),
        "summary": summary(result),
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"ws-{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
