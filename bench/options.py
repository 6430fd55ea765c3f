"""The benchmark's command-line options: one set, applied the same way to every app."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    rate: int
    latency_duration: int
    latency_connections: int
    courses: int
    page_size: int
    processes: int


def parse_options(argv: Sequence[str] | None, description: str) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds per app (10)")
    parser.add_argument("--warmup", type=int, default=3, help="wrk warm-up seconds (3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--rate", type=int, default=200, help="open-loop requests/s (200)")
    parser.add_argument(
        "--latency-duration", type=int, default=10, help="open-loop seconds per app (10)"
    )
    parser.add_argument(
        "--latency-connections", type=int, default=32, help="open-loop keep-alive pool (32)"
    )
    parser.add_argument("--courses", type=int, default=10_000, help="courses to seed (10000)")
    parser.add_argument("--page-size", type=int, default=20, help="page_size to request (20)")
    parser.add_argument(
        "--processes", type=int, default=1, help="uvicorn worker processes, every app (1)"
    )
    args = parser.parse_args(argv)
    options = Options(**vars(args))
    if min(asdict(options).values()) < 1:
        parser.error("every option must be a positive integer")
    if options.page_size > min(options.courses, 100):
        parser.error("--page-size must be at most --courses and at most 100")
    return options
