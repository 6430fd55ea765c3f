"""WebSocket benchmark: 1,000 clients following one course, events delivered through the hub.

Run with `make bench-ws` (or `.venv/bin/python bench/ws.py --help`). It creates and drops its
own PostgreSQL database and Redis key prefix, serves the API with one uvicorn process, opens
the clients in `bench.ws_client` subprocesses (auth, subscribe), then emits events through
`app.realtime.events.emit` from this process, each stamped with its send time; every
client records each event's arrival. A plain Redis publish to one subscriber, measured in
the same run, is the baseline. Everything talks to 127.0.0.1 only. The figures are printed
and written to bench/results/; missed targets do not fail the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # Run as a script, Python puts bench/ itself on sys.path: put the repository root there
    # instead, so `bench` imports as a package (see bench/api.py).
    _here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if entry != _here]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncio
import contextlib
import os
import secrets
import tempfile
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import orjson
from sqlalchemy import select

from app.core.db import create_engine, session_factory
from app.core.redis import Keys, create_redis
from app.courses.models import Course
from bench.seed import admin_database_url, bench_database, clean_redis, redis_url, seed
from bench.serving import HOST, ROOT, BenchError, CpuMeter, serve
from bench.ws_client import TOKEN_ENV, raise_open_files
from bench.ws_options import WsOptions, parse_options
from bench.ws_publish import emit_events, redis_baseline
from bench.ws_report import Spread, WsResult, print_report, write_results

API_APP = "app.main:create_app"
READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 10.0
# After the last publish, before the CPU meters stop: the last event's deliveries.
SETTLE_SECONDS = 0.25
# Clients report every arrival on one line; asyncio's default line limit is 64 KiB.
RESULT_LINE_LIMIT = 256 * 1024 * 1024

Process = asyncio.subprocess.Process


def api_env(
    database_url: str, redis_prefix: str, jwt_secret: str, data_dir: Path
) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url(),
        "REDIS_KEY_PREFIX": redis_prefix,
        "JWT_SECRET": jwt_secret,
        "COURZLY_ENV": "test",
        "LOG_LEVEL": "WARNING",
        "COURZLY_DATA_DIR": str(data_dir),
    }


# Why the clients run in subprocesses, two by default: reading a frame costs a client about
# 30 us of CPU (kernel, websockets, inflate; measured 27-32 us), so one process reads an
# event's 1,000 frames in ~30 ms, one after the other: as long as the server's own fan-out,
# so a late socket's latency would partly be the client's queue. Two processes halve that
# and use the second core. Measured at 20 events/s (two runs each), the p99 was 456/770 ms
# with one process, 352/392 with two, 560/540 with four (more processes than cores only
# add switching and take CPU from the server); at 10 events/s the server's pauses hide any
# difference. See bench/README.md.
async def start_clients(
    options: WsOptions, port: int, token: str, course_id: uuid.UUID, logs: Path
) -> list[Process]:
    processes: list[Process] = []
    base, extra = divmod(options.clients, options.client_processes)
    for index in range(options.client_processes):
        count = base + (index < extra)
        concurrency = max(1, options.connect_concurrency * count // options.clients)
        with (logs / f"client-{index}.log").open("wb") as errors:
            processes.append(
                await asyncio.create_subprocess_exec(
                    *(sys.executable, "-m", "bench.ws_client"),
                    *("--url", f"ws://{HOST}:{port}/api/v1/ws", "--course", str(course_id)),
                    *("--count", str(count), "--events", str(options.events)),
                    *("--concurrency", str(concurrency), "--grace", str(options.grace)),
                    "--deflate" if options.deflate else "--no-deflate",
                    cwd=ROOT,
                    env={**os.environ, TOKEN_ENV: token},
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=errors,
                    limit=RESULT_LINE_LIMIT,
                )
            )
    return processes


def _failure(logs: Path, expected: str, line: str) -> BenchError:
    tail = "\n".join(
        text
        for path in sorted(logs.glob("client-*.log"))
        for text in path.read_text(errors="replace").splitlines()[-10:]
    )
    return BenchError(f"a client process did not say {expected!r} (got {line[:200]!r}):\n{tail}")


async def _line(process: Process, prefix: str, seconds: float, logs: Path) -> str:
    """The client's next line, which must start with `prefix`; returns the rest."""
    assert process.stdout is not None
    line = ""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            line = (await process.stdout.readline()).decode()
    if not line.startswith(prefix):
        raise _failure(logs, prefix, line)
    return line[len(prefix) :]


async def stop_clients(processes: list[Process]) -> None:
    """By PID: SIGTERM, SIGKILL after a timeout."""
    for process in processes:
        if process.returncode is None:
            process.terminate()
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()


async def measure(
    options: WsOptions,
    port: int,
    server_pid: int,
    database_url: str,
    prefix: str,
    token: str,
    logs: Path,
) -> WsResult:
    engine = create_engine(database_url, pool_size=2)
    sessions = session_factory(engine)
    redis = create_redis(redis_url())
    keys = Keys(prefix)
    processes: list[Process] = []
    try:
        async with sessions() as session:
            course_id = (await session.scalars(select(Course.id))).one()
        print(f"baseline: {options.events} events straight to Redis ...", flush=True)
        baseline = await redis_baseline(redis, keys, options.events, options.rate)
        print(f"connecting {options.clients} clients ...", flush=True)
        processes = await start_clients(options, port, token, course_id, logs)
        for process in processes:
            await _line(process, "ready", READY_TIMEOUT_SECONDS, logs)
        print(f"publishing {options.events} events at {options.rate:g}/s ...", flush=True)
        meters = [CpuMeter(pid) for pid in (server_pid, *(p.pid for p in processes))]
        for meter in meters:
            meter.start()
        emits = await emit_events(sessions, redis, keys, course_id, options.events, options.rate)
        await asyncio.sleep(SETTLE_SECONDS)
        cpu = [meter.stop() for meter in meters]
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"published\n")
            await process.stdin.drain()
        reports: list[dict[str, Any]] = [
            orjson.loads(await _line(process, "result ", options.grace + 60, logs))
            for process in processes
        ]
    finally:
        await stop_clients(processes)
        await redis.aclose()
        await engine.dispose()
    return _result(options, reports, emits, baseline, cpu)


def _result(
    options: WsOptions,
    reports: list[dict[str, Any]],
    emits: list[float],
    baseline: list[float],
    cpu: list[tuple[float | None, float | None]],
) -> WsResult:
    def total(key: str) -> Any:
        return sum(report[key] for report in reports)

    # Per event (seq 1..events), every socket's latency, whichever process read it.
    by_event = [
        [ms for report in reports for ms in report["latencies_ms"][index]]
        for index in range(options.events)
    ]

    return WsResult(
        connected=total("sockets"),
        connect_failed=total("failed"),
        connect_errors=[error for report in reports for error in report["errors"]][:5],
        connect_all_seconds=round(
            max(r["connect_finished"] for r in reports)
            - min(r["connect_started"] for r in reports),
            3,
        ),
        connect_each_seconds=Spread.of([s for r in reports for s in r["connect_seconds"]]),
        expected=options.deliveries,
        received=total("received"),
        sockets_in_order=total("in_order"),
        fanout_ms=Spread.of([ms for event in by_event for ms in event]),
        first_socket_ms=Spread.of([min(event) for event in by_event if event]),
        last_socket_ms=Spread.of([max(event) for event in by_event if event]),
        emit_ms=Spread.of(emits),
        baseline_ms=Spread.of(baseline),
        server_cpu_percent=cpu[0][0],
        client_cpu_percent=[process for process, _ in cpu[1:]],
        machine_cpu_percent=cpu[0][1],
    )


def run(options: WsOptions) -> WsResult:
    # The server and the client processes inherit this limit: a descriptor per socket each.
    raise_open_files(options.clients + 1000)
    jwt_secret = secrets.token_urlsafe(48)
    redis_prefix = f"courzly-bench-{secrets.token_hex(4)}:"
    with ExitStack() as stack:  # undone in reverse: API, database, Redis keys, files
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="courzly-bench-")))
        stack.callback(clean_redis, redis_url(), redis_prefix)
        print("creating, migrating and seeding a database ...", flush=True)
        database_url = stack.enter_context(bench_database(admin_database_url()))
        token = asyncio.run(seed(database_url, jwt_secret, 1))
        env = api_env(database_url, redis_prefix, jwt_secret, workdir / "data")
        server = stack.enter_context(serve(API_APP, env, workdir / "api.log", 1))
        return asyncio.run(
            measure(options, server.port, server.pid, database_url, redis_prefix, token, workdir)
        )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv, (__doc__ or "").splitlines()[0])
    try:
        result = run(options)
    except (BenchError, OSError) as exc:  # OSError: PostgreSQL, Redis or a port unreachable
        print(f"bench/ws.py: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench/ws.py: interrupted (processes stopped, database dropped)", file=sys.stderr)
        return 130
    print_report(options, result)
    path = write_results(options, result)
    print(f"\nresults written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
