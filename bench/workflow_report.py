"""The workflow benchmark's figures: targets, the printed report and the JSON file."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.workflow_measure import Burst, ContentPhase
from bench.workflow_options import WorkflowOptions

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_SPEEDUP = 8.0
VERDICT = {True: "OK", False: "MISSED"}


def summary(content: ContentPhase, burst: Burst) -> dict[str, Any]:
    return {
        "speedup": content.speedup,
        "speedup_target": TARGET_SPEEDUP,
        "speedup_ok": content.speedup >= TARGET_SPEEDUP,
        "burst_reached": burst.reached,
        "burst_errors": burst.error_count,
        "burst_ok": burst.seconds is not None and burst.error_count == 0,
    }


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _line(label: str, seconds: float | None, note: str = "") -> None:
    print(f"  {label:40}{_seconds(seconds):>10}" + (f"  ({note})" if note else ""))


def print_report(
    options: WorkflowOptions, content: ContentPhase, burst: Burst, totals: dict[str, Any]
) -> None:
    lessons = content.lessons
    print(
        f"\ncontent phase: {lessons} lessons ({options.modules} modules x "
        f"{options.lessons_per_module}), fake latency {content.latency_seconds:g} s per call, "
        f"1 worker process, WORKFLOW_LESSON_CONCURRENCY={options.lesson_concurrency}"
    )
    _line("run start -> outline gate pending", content.outline_gate_seconds, "context")
    _line(
        f"outline approved -> {lessons} lesson gates",
        content.parallel_seconds,
        f"parallel, in the worker: {content.lesson_calls} lesson calls",
    )
    steps = content.timeline_seconds
    print(
        f"    of which: picked up {steps['picked_up']:.2f} s, written {steps['written']:.2f} s, "
        f"gated {steps['gated']:.2f} s (event log, server clock), the rest polling"
    )
    _line(
        f"the same {lessons} lesson calls one by one",
        content.sequential_seconds,
        "baseline: OpenAIWriter.lesson in the bench",
    )
    print(
        f"\nburst: {burst.runs} runs started at once (one course each), {options.workers} worker "
        f"processes x WORKER_CONCURRENCY={options.worker_concurrency}, fake latency "
        f"{burst.latency_seconds:g} s per call"
    )
    _line("first start sent -> all at outline gate", burst.seconds)
    _line("per run, started -> gate opened: p50", burst.gate_p50_seconds, "server clock")
    _line("per run, started -> gate opened: max", burst.gate_max_seconds, "server clock")
    print(
        f"  reached the gate {burst.reached}/{burst.runs}; failed runs {burst.failed_runs}; "
        f"non-2xx answers {burst.http_errors}"
    )
    for error in burst.errors:
        print(f"    {error}")
    print(
        f"\ntarget   content phase >= {TARGET_SPEEDUP:g}x faster than one by one: "
        f"{content.speedup:.2f}x  {VERDICT[totals['speedup_ok']]}"
    )
    print(
        f"target   burst: all {burst.runs} runs at their first gate, no error: "
        f"{burst.reached}/{burst.runs}, {burst.error_count} errors  {VERDICT[totals['burst_ok']]}"
    )


def environment() -> dict[str, Any]:
    packages = ("langgraph", "langgraph-checkpoint-postgres", "saq", "openai", "uvicorn")
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "packages": {name: version(name) for name in packages},
    }


def write_results(
    options: WorkflowOptions, content: ContentPhase, burst: Burst, totals: dict[str, Any]
) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "time": stamp,
        "options": asdict(options),
        "environment": environment(),
        "results": {"content_phase": asdict(content), "burst": asdict(burst)},
        "summary": totals,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"workflow-{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
