"""API benchmark: the real course list against a bare endpoint, with a database floor between.

All three apps are served the same way. The bare one returns a static page of the same shape;
the floor one runs the same queries on a raw asyncpg pool and is context, not a target.

Run with `make bench-api` (or `.venv/bin/python bench/api.py --help`). It creates and drops its
own PostgreSQL database, seeds courses, serves each app in turn with uvicorn on 127.0.0.1 and
measures throughput with wrk (closed loop) and latency at a fixed request rate (open loop).
The figures are printed and written to bench/results/; missed targets do not fail the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # Run as a script (make bench-api), Python puts bench/ itself on sys.path: put the
    # repository root there instead, so `bench` imports as a package and bench/*.py
    # (load, report, ...) cannot shadow other modules of the same name.
    _here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if entry != _here]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncio
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from bench import baseline
from bench.load import (
    Latency,
    Throughput,
    get_once,
    http_request,
    open_loop,
    run_wrk,
    write_wrk_script,
)
from bench.options import Options, parse_options
from bench.report import ServerResult, print_report, summary, write_results
from bench.seed import admin_database_url, bench_database, clean_redis, redis_url, seed
from bench.serving import HOST, ROOT, BenchError, Server, serve

REAL_APP = "app.main:create_app"
FLOOR_APP = "bench.baseline:floor_app"
BARE_APP = "bench.baseline:bare_app"


@dataclass(frozen=True)
class Target:
    """What to serve, what to ask it and what a correct answer holds."""

    name: str
    app: str
    path: str
    headers: dict[str, str]
    page_size: int
    total: int


def targets(options: Options, token: str) -> list[Target]:
    """The three apps, in the order they are measured."""
    size = options.page_size
    return [
        Target(
            "real",
            REAL_APP,
            f"/api/v1/courses?page=1&page_size={size}",
            {"Authorization": f"Bearer {token}"},
            size,
            options.courses,
        ),
        Target(
            "floor",
            FLOOR_APP,
            f"{baseline.FLOOR_PATH}?page_size={size}",
            {},
            size,
            options.courses,
        ),
        Target("bare", BARE_APP, baseline.BARE_PATH, {}, baseline.BARE_ITEMS, baseline.BARE_TOTAL),
    ]


def verify(target: Target, server: Server) -> int:
    """Check the page before measuring it; return its size in bytes."""
    status, body = asyncio.run(get_once(server.port, target.path, target.headers))
    if status != 200:
        raise BenchError(f"GET {target.path} answered {status}: {body[:300]!r}")
    page = json.loads(body)
    items, total = len(page.get("items", ())), page.get("total")
    if items != target.page_size or total != target.total:
        raise BenchError(
            f"GET {target.path}: expected {target.page_size} items and total={target.total}, "
            f"got {items} items and total={total}"
        )
    return len(body)


def _throughput(
    target: Target, server: Server, script: Path, seconds: int, options: Options
) -> Throughput:
    return run_wrk(
        f"http://{HOST}:{server.port}{target.path}",
        target.headers,
        script=script,
        server_pid=server.pid,
        seconds=seconds,
        threads=options.threads,
        connections=options.connections,
    )


def _latency(target: Target, server: Server, options: Options) -> Latency:
    request = http_request(server.port, target.path, target.headers)
    return asyncio.run(
        open_loop(
            server.port,
            request,
            rate=options.rate,
            seconds=options.latency_duration,
            connections=options.latency_connections,
        )
    )


def measure(target: Target, env: dict[str, str], workdir: Path, options: Options) -> ServerResult:
    """Serve one app, check its page, then: warm-up, throughput, latency; the same for all."""
    print(f"measuring {target.name} ({target.app}) ...", flush=True)
    log = workdir / f"{target.name}.log"
    script = write_wrk_script(workdir)
    with serve(target.app, env, log, options.processes) as server:
        size = verify(target, server)
        _throughput(target, server, script, options.warmup, options)
        throughput = _throughput(target, server, script, options.duration, options)
        time.sleep(1)  # let the server settle before the open-loop run
        latency = _latency(target, server, options)
    url = f"http://{HOST}:{server.port}{target.path}"
    return ServerResult(target.app, url, size, throughput, latency)


def server_env(
    database_url: str, redis_prefix: str, jwt_secret: str, data_dir: Path
) -> dict[str, str]:
    """One environment for every app: the real one reads the app settings, the floor one
    only its database URL, the bare one nothing."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url(),
        "REDIS_KEY_PREFIX": redis_prefix,
        "JWT_SECRET": jwt_secret,
        "COURZLY_ENV": "test",
        "LOG_LEVEL": "WARNING",
        "COURZLY_DATA_DIR": str(data_dir),
        baseline.FLOOR_DATABASE_ENV: database_url,
    }


def run(options: Options) -> dict[str, ServerResult]:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (scripts/ensure-packages.sh wrk)")
    jwt_secret = secrets.token_urlsafe(48)
    redis_prefix = f"courzly-bench-{secrets.token_hex(4)}:"
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="courzly-bench-")))
        stack.callback(clean_redis, redis_url(), redis_prefix)
        print("creating, migrating and seeding a database ...", flush=True)
        database_url = stack.enter_context(bench_database(admin_database_url()))
        token = asyncio.run(seed(database_url, jwt_secret, options.courses))
        env = server_env(database_url, redis_prefix, jwt_secret, workdir / "data")
        return {
            target.name: measure(target, env, workdir, options)
            for target in targets(options, token)
        }


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv, (__doc__ or "").splitlines()[0])
    try:
        results = run(options)
    except (BenchError, OSError) as exc:  # OSError: PostgreSQL, Redis or a port unreachable
        print(f"bench/api.py: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench/api.py: interrupted (servers stopped, database dropped)", file=sys.stderr)
        return 130
    totals = summary(results)
    print_report(options, results, totals)
    path = write_results(options, results, totals)
    print(f"\nresults written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
