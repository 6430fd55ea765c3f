"""Workflow benchmark: lessons written in parallel, and a burst of runs started at once.

Run with `make bench-workflow` (or `.venv/bin/python bench/workflow.py --help`). It creates
and drops its own PostgreSQL database and Redis key prefix, serves the API with uvicorn,
runs real `courzly worker` processes and answers their model calls with the fake
OpenAI-compatible server (tests/fakes), all on 127.0.0.1. The figures are printed and
written to bench/results/; missed targets do not fail the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # Run as a script, Python puts bench/ itself on sys.path: put the repository root there
    # instead, so `bench` and `tests` import as packages (see bench/api.py).
    _here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if entry != _here]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncio
import os
import secrets
import signal
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from types import FrameType
from typing import TypeVar

import httpx

from app.config import Settings
from bench.seed import admin_database_url, bench_database, redis_url, seed
from bench.serving import HOST, ROOT, BenchError, serve
from bench.workflow_client import Api
from bench.workflow_measure import Burst, ContentPhase, burst, content_phase
from bench.workflow_options import WorkflowOptions, parse_options
from bench.workflow_processes import app_env, clean_job_keys, workers
from bench.workflow_report import print_report, summary, write_results
from tests.fakes.openai_server import FakeOpenAI, serving
from tests.workflow.briefs import make_brief

# The API runs as a uvicorn subprocess, as deployed, rather than in this process through
# ASGITransport: here it would share one interpreter (and its GIL) with the fake model
# server's thread and the polling client, and its request handling would slow both down.
API_APP = "app.main:create_app"
T = TypeVar("T")


def on_api(port: int, token: str, phase: Callable[[Api], Awaitable[T]]) -> T:
    """Run one phase of client calls in its own event loop. Worker processes are started
    and stopped around it, in plain synchronous code, so nothing in the loop can keep
    them from being stopped."""

    async def with_client() -> T:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            base_url=f"http://{HOST}:{port}", headers=headers, timeout=60
        ) as client:
            return await phase(Api(client))

    return asyncio.run(with_client())


def run(options: WorkflowOptions) -> tuple[ContentPhase, Burst]:
    jwt_secret = secrets.token_urlsafe(48)
    redis_prefix = f"courzly-bench-{secrets.token_hex(4)}:"
    with ExitStack() as stack:  # undone in reverse: API, database, Redis keys, fake, files
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="courzly-bench-")))
        fake = stack.enter_context(serving(FakeOpenAI()))
        stack.callback(clean_job_keys, redis_url(), redis_prefix)
        print("creating, migrating and seeding a database ...", flush=True)
        database_url = stack.enter_context(bench_database(admin_database_url()))
        token = asyncio.run(seed(database_url, jwt_secret, 1 + options.runs))
        overrides = app_env(
            database_url=database_url,
            redis_url=redis_url(),
            redis_prefix=redis_prefix,
            jwt_secret=jwt_secret,
            data_dir=workdir / "data",
            openai_base_url=fake.base_url,
            lesson_concurrency=options.lesson_concurrency,
            worker_concurrency=options.worker_concurrency,
        )
        env = {**os.environ, **overrides}
        port = stack.enter_context(serve(API_APP, env, workdir / "api.log", 1)).port
        # The workers' settings, so the baseline's writer is theirs (client, model, prompts).
        settings = Settings(**overrides)  # type: ignore[arg-type]
        brief = make_brief(
            modules=options.modules, lessons_per_module=options.lessons_per_module
        ).model_dump(mode="json")
        courses = on_api(port, token, lambda api: api.course_ids(1 + options.runs))

        print(f"content phase: {options.lessons} lessons, 1 worker ...", flush=True)
        fake.latency = options.latency
        with workers(env, 1, workdir, "content"):
            content = on_api(
                port,
                token,
                lambda api: content_phase(api, fake, settings, courses[0], brief, options.max_wait),
            )
        print(f"burst: {options.runs} runs, {options.workers} workers ...", flush=True)
        fake.latency = options.burst_latency
        with workers(env, options.workers, workdir, "burst"):
            runs = on_api(
                port, token, lambda api: burst(api, fake, courses[1:], brief, options.max_wait)
            )
        return content, runs


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv, (__doc__ or "").splitlines()[0])
    # asyncio.run would turn Ctrl-C into a cancellation of the running phase, and that was
    # seen to get lost on the way (the phase ran on, to fail later on the stopped API).
    # Raised at once, it unwinds the phase and then the clean-up right away.
    signal.signal(signal.SIGINT, _interrupt)
    try:
        content, runs = run(options)
    except (BenchError, OSError, httpx.HTTPError) as exc:  # OSError: a server unreachable
        print(f"bench/workflow.py: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench/workflow.py: interrupted (processes stopped, database dropped)")
        return 130
    totals = summary(content, runs)
    print_report(options, content, runs, totals)
    path = write_results(options, content, runs, totals)
    print(f"\nresults written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
