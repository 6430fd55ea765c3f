"""The workflow benchmark's command-line options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

from app.config import Settings


@dataclass(frozen=True)
class WorkflowOptions:
    latency: float  # fake model latency per call in the content phase, seconds
    modules: int
    lessons_per_module: int
    lesson_concurrency: int  # WORKFLOW_LESSON_CONCURRENCY of the content-phase worker
    runs: int  # burst: runs started at once, one course each
    workers: int  # burst: worker processes
    worker_concurrency: int  # WORKER_CONCURRENCY of every worker
    burst_latency: float
    max_wait: float  # the longest wait for any phase, seconds

    @property
    def lessons(self) -> int:
        return self.modules * self.lessons_per_module


def _default_worker_concurrency() -> int:
    default = Settings.model_fields["worker_concurrency"].default
    assert isinstance(default, int)
    return default


def parse_options(argv: Sequence[str] | None, description: str) -> WorkflowOptions:
    parser = argparse.ArgumentParser(description=description)
    add = parser.add_argument
    add("--latency", type=float, default=2.0, help="content phase: seconds per model call (2)")
    add("--modules", type=int, default=3, help="content phase: modules in the brief (3)")
    add("--lessons-per-module", type=int, default=4, help="content phase: lessons each (4)")
    add(
        "--lesson-concurrency",
        type=int,
        default=12,
        help="content phase: WORKFLOW_LESSON_CONCURRENCY (12)",
    )
    add("--runs", type=int, default=50, help="burst: runs started at once (50)")
    add("--workers", type=int, default=2, help="burst: worker processes (2)")
    add(
        "--worker-concurrency",
        type=int,
        default=_default_worker_concurrency(),
        help="WORKER_CONCURRENCY, jobs per worker process (the app's default: %(default)s)",
    )
    add("--burst-latency", type=float, default=0.2, help="burst: seconds per model call (0.2)")
    add("--max-wait", type=float, default=180.0, help="longest wait for a phase, seconds (180)")
    options = WorkflowOptions(**vars(parser.parse_args(argv)))
    counts = (options.modules, options.lessons_per_module, options.lesson_concurrency)
    if min(*counts, options.runs, options.workers, options.worker_concurrency) < 1:
        parser.error("counts must be positive integers")
    if min(options.latency, options.burst_latency) < 0 or options.max_wait <= 0:
        parser.error("latencies must be >= 0 and --max-wait > 0")
    if options.modules > 12 or options.lessons_per_module > 10:
        parser.error("a brief allows at most 12 modules of at most 10 lessons")
    return options
