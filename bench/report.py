"""The run's figures: the summary against the targets, the printed table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.load import REQUEST_TIMEOUT_SECONDS, Latency, Throughput
from bench.options import Options

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_RATIO = 0.5
TARGET_P99_MS = 25.0
COLUMNS = ("real", "floor", "bare")  # the keys of a run's results, in table order
DESCRIPTIONS = {
    "real": "the app, authenticated: app.main:create_app",
    "floor": "context, not a target: plain FastAPI, the same two queries on a raw asyncpg pool",
    "bare": "a static page of the same shape, plain FastAPI",
}


@dataclass(frozen=True)
class ServerResult:
    app: str
    url: str
    response_bytes: int
    throughput: Throughput
    latency: Latency


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def summary(results: Mapping[str, ServerResult]) -> dict[str, Any]:
    """The two targets (real/bare throughput, real p99) and, as context, where the floor sits."""
    rps = {name: result.throughput.requests_per_second for name, result in results.items()}
    real_bare = _ratio(rps["real"], rps["bare"])
    real_p99 = results["real"].latency.p99_ms
    return {
        "real_bare_ratio": real_bare,
        "ratio_target": TARGET_RATIO,
        "ratio_ok": real_bare >= TARGET_RATIO,
        "real_p99_ms": real_p99,
        "p99_target_ms": TARGET_P99_MS,
        "p99_ok": real_p99 < TARGET_P99_MS,
        "context": {
            "floor_bare_ratio": _ratio(rps["floor"], rps["bare"]),
            "real_floor_ratio": _ratio(rps["real"], rps["floor"]),
            "floor_p99_ms": results["floor"].latency.p99_ms,
        },
    }


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


Row = tuple[str, Callable[[ServerResult], float | None]]


def _rows(rate: int) -> list[Row]:
    at = f"@ {rate} req/s"
    return [
        ("response size (bytes)", lambda r: r.response_bytes),
        ("throughput (req/s)", lambda r: r.throughput.requests_per_second),
        ("  wrk p50 (ms)", lambda r: r.throughput.latency_p50_ms),
        ("  wrk p99 (ms)", lambda r: r.throughput.latency_p99_ms),
        ("  wrk timeouts", lambda r: r.throughput.timeouts),
        ("  server CPU (% of a core)", lambda r: r.throughput.server_cpu_percent),
        ("  machine CPU (% of all)", lambda r: r.throughput.machine_cpu_percent),
        (f"p50 {at} (ms)", lambda r: r.latency.p50_ms),
        (f"p95 {at} (ms)", lambda r: r.latency.p95_ms),
        (f"p99 {at} (ms)", lambda r: r.latency.p99_ms),
        (f"max {at} (ms)", lambda r: r.latency.max_ms),
        (f"errors {at}", lambda r: r.latency.errors),
        ("  max send lag (ms)", lambda r: r.latency.max_send_lag_ms),
    ]


def _header(options: Options, results: Mapping[str, ServerResult]) -> None:
    for name in COLUMNS:
        print(f"{name + ':':7}GET {results[name].url}  ({DESCRIPTIONS[name]})")
    processes = f"{options.processes} process{'es' if options.processes > 1 else ''}"
    print(
        f"{options.courses} courses seeded; every app served by uvicorn with {processes} "
        "(uvloop, httptools), one app at a time"
    )
    print(
        f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s after a "
        f"{options.warmup}s warm-up; open loop: {options.rate} req/s for "
        f"{options.latency_duration}s over {options.latency_connections} connections\n"
    )


def print_report(
    options: Options, results: Mapping[str, ServerResult], totals: dict[str, Any]
) -> None:
    print()
    _header(options, results)
    print(f"{'':30}" + "".join(f"{name:>12}" for name in COLUMNS))
    for label, figure in _rows(options.rate):
        print(f"{label:30}" + "".join(f"{_cell(figure(results[n])):>12}" for n in COLUMNS))
    verdict = {True: "OK", False: "MISSED"}
    context = totals["context"]
    print(
        f"\ntarget   throughput real/bare >= {TARGET_RATIO}: "
        f"{totals['real_bare_ratio']:.3f}  {verdict[totals['ratio_ok']]}"
    )
    print(
        f"target   real p99 @ {options.rate} req/s < {TARGET_P99_MS:g} ms: "
        f"{totals['real_p99_ms']:.2f} ms  {verdict[totals['p99_ok']]}"
    )
    print(
        f"context  throughput floor/bare: {context['floor_bare_ratio']:.3f}  "
        "(what the queries alone leave of the bare figure)"
    )
    print(
        f"context  throughput real/floor: {context['real_floor_ratio']:.3f}  "
        "(what the app keeps of the floor: auth, sessions, ORM, validation)"
    )
    for name in COLUMNS:
        if results[name].throughput.requests_per_second < options.rate:
            print(
                f"note: {options.rate} req/s is above the {name} app's measured capacity, so its "
                "fixed-rate latencies are mostly queueing; requests still unanswered after "
                f"{REQUEST_TIMEOUT_SECONDS:g}s count as errors at {REQUEST_TIMEOUT_SECONDS:g}s."
            )


def environment() -> dict[str, Any]:
    packages = ("fastapi", "starlette", "uvicorn", "uvloop", "httptools", "sqlalchemy", "asyncpg")
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "packages": {name: version(name) for name in packages},
    }


def write_results(
    options: Options, results: Mapping[str, ServerResult], totals: dict[str, Any]
) -> Path:
    """Save the run (options, including processes, and every figure) as bench/results/*.json."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "time": stamp,
        "options": asdict(options),
        "environment": environment(),
        "results": {name: asdict(result) for name, result in results.items()},
        "summary": totals,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"api-{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
