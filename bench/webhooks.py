"""Webhook delivery benchmark: what the outbox costs on top of the HTTP it sends.

Baseline, measured in the same run: the same signed POSTs sent straight to the same local
receiver (`delivery.send`, one after another, no database). Real: events appended to a
course's log (each queued for one subscribed endpoint in the same transaction), then
delivered in order by the `webhooks.deliver` job, which reads the head of the endpoint's
queue in one transaction and records the attempt in another. Reported: messages/s of both
and their ratio, the appends/s with the fan-out, and the end-to-end latency from an
event's commit to its arrival with a real worker (its dispatcher looks every 2 s).

    .venv/bin/python -m bench.webhooks [--messages 500] [--latency-events 30]

Needs PostgreSQL and Redis as bench/README.md says; creates and drops its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from app.config import Environment, Settings
from app.core.db import create_engine, session_factory, utcnow
from app.core.jobs import JobContext, JobQueue
from app.core.redis import Keys, create_redis
from app.courses import service as courses
from app.courses.models import Course
from app.courses.schemas import CourseCreate
from app.realtime import events
from app.realtime.events import EventType
from app.users import service as users
from app.webhooks import delivery, destinations, jobs, service
from app.webhooks.models import WebhookEvent
from app.webhooks.schemas import EndpointCreate
from bench.seed import admin_database_url, bench_database, clean_redis, redis_url
from tests.workers import running_worker

RESULTS = Path(__file__).resolve().parent / "results"
WARM_UP_EVENTS = 10


class Arrivals:
    """What the receiver got: message ids and when (monotonic clock)."""

    def __init__(self) -> None:
        self.arrived = threading.Condition()
        self.times: dict[str, float] = {}
        self.order: list[str] = []

    def note(self, marker: str) -> None:
        with self.arrived:
            self.times[marker] = time.monotonic()
            self.order.append(marker)
            self.arrived.notify_all()

    def wait_for(self, markers: list[str], timeout: float) -> bool:
        """Block (in a thread) until every marker arrived; False on timeout."""
        with self.arrived:
            return self.arrived.wait_for(lambda: all(m in self.times for m in markers), timeout)


@contextmanager
def receiver(arrivals: Arrivals) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            arrivals.note(str(body["data"].get("error") or body["data"].get("n")))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


def settings_for(database_url: str, prefix: str, data_dir: str) -> Settings:
    return Settings.model_validate(
        {
            "COURZLY_ENV": Environment.TEST,
            "COURZLY_DATA_DIR": data_dir,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url(),
            "REDIS_KEY_PREFIX": prefix,
            "JWT_SECRET": SecretStr(secrets.token_urlsafe(48)),
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "LOG_LEVEL": "WARNING",
        }
    )


async def baseline(url: str, secret: str, count: int) -> float:
    """Messages/s of signed POSTs alone."""
    destination = destinations.check(url, destinations.networks("127.0.0.0/8"))
    started = time.perf_counter()
    for n in range(count):
        body = {"type": "run.failed", "timestamp": utcnow().isoformat(), "data": {"n": f"b{n}"}}
        attempt = await delivery.send(destination, f"msg_b{n}", body, [secret], utcnow())
        if not attempt.succeeded:
            raise RuntimeError(f"the receiver refused a baseline message: {attempt}")
    return count / (time.perf_counter() - started)


async def append_events(ctx: JobContext, course: Course, count: int, tag: str) -> float:
    """Appends/s, each event in its own transaction as the workflow appends them."""
    started = time.perf_counter()
    for n in range(count):
        await _append(ctx, course, f"{tag}{n}")
    return count / (time.perf_counter() - started)


async def deliver_all(ctx: JobContext, endpoint_id: str, count: int, arrivals: Arrivals) -> float:
    started = time.perf_counter()
    while len(arrivals.order) < count:
        if await jobs.deliver_queue(ctx, endpoint_id=endpoint_id) == 0:
            raise RuntimeError("the delivery job stopped before every message arrived")
    return count / (time.perf_counter() - started)


async def _append(ctx: JobContext, course: Course, marker: str) -> float:
    """Append and publish an event as the workflow does; returns when it was committed."""
    async with ctx.sessions() as session:
        event = await events.append(
            session, course.id, None, EventType.RUN_FAILED, {"error": marker}
        )
        await session.commit()
    committed = time.monotonic()
    await events.publish(ctx.redis, ctx.keys, [event])
    return committed


async def latencies(
    ctx: JobContext, course: Course, settings: Settings, count: int, arrivals: Arrivals
) -> list[float]:
    """Commit-to-arrival seconds with a real worker, events 0.2 s apart."""
    committed: dict[str, float] = {}
    async with running_worker(settings):
        # Steady state: a few events through first (a fresh worker's first jobs wait on its
        # start-up: its subscription, its pools, its job loop).
        warm_up = [f"warm-up-{n}" for n in range(WARM_UP_EVENTS)]
        for marker in warm_up:
            await _append(ctx, course, marker)
            await asyncio.sleep(0.2)
        if not await asyncio.to_thread(arrivals.wait_for, warm_up, 30.0):
            raise RuntimeError("the worker delivered nothing within 30 s")
        for n in range(count):
            marker = f"e{n}"
            committed[marker] = await _append(ctx, course, marker)
            await asyncio.sleep(0.2)
        if not await asyncio.to_thread(arrivals.wait_for, list(committed), 30.0):
            raise RuntimeError("some events never arrived within 30 s")
    return [arrivals.times[m] - committed[m] for m in committed]


async def run(settings: Settings, messages: int, latency_events: int) -> dict[str, Any]:
    assert settings.database_url is not None
    assert settings.redis_url is not None
    engine = create_engine(settings.database_url.get_secret_value(), pool_size=4)
    redis = create_redis(settings.redis_url.get_secret_value())
    queue = JobQueue(settings)
    ctx = JobContext(
        settings, engine, session_factory(engine), redis, Keys(settings.redis_key_prefix), queue
    )
    arrivals = Arrivals()
    try:
        with receiver(arrivals) as url:
            async with ctx.sessions() as session:
                admin, _ = await users.ensure_admin(
                    session, "bench@example.com", secrets.token_urlsafe(16)
                )
                course = await courses.create_course(session, CourseCreate(title="Bench"), admin)
                scope = service.Scope(None, admin)
                body = EndpointCreate(url=url, events=[WebhookEvent.RUN_FAILED])
                endpoint, secret = await service.create_endpoint(session, settings, scope, body)
                await session.commit()
            bare = await baseline(url, secret, messages)
            appends = await append_events(ctx, course, messages, "r")
            arrivals.order.clear()
            real = await deliver_all(ctx, str(endpoint.id), messages, arrivals)
            in_order = arrivals.order[:messages] == [f"r{n}" for n in range(messages)]
            seconds = await latencies(ctx, course, settings, latency_events, arrivals)
    finally:
        await queue.close()
        await redis.aclose()
        await engine.dispose()
    cuts = statistics.quantiles(seconds, n=20)
    return {
        "messages": messages,
        "baseline_per_second": round(bare, 1),
        "delivered_per_second": round(real, 1),
        "ratio": round(real / bare, 3),
        "in_order": in_order,
        "appends_per_second": round(appends, 1),
        "latency_events": latency_events,
        "latency_p50_s": round(statistics.median(seconds), 3),
        "latency_p95_s": round(cuts[18], 3),
        "latency_max_s": round(max(seconds), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--latency-events", type=int, default=30)
    args = parser.parse_args()
    prefix = f"courzly-bench-{secrets.token_hex(4)}:"
    with bench_database(admin_database_url()) as url, tempfile.TemporaryDirectory() as data:
        try:
            figures = asyncio.run(
                run(settings_for(url, prefix, data), args.messages, args.latency_events)
            )
        finally:
            clean_redis(redis_url(), prefix)
    print(
        f"webhooks: {figures['messages']} messages\n"
        f"  baseline (signed POSTs, no database): {figures['baseline_per_second']}/s\n"
        f"  outbox delivery (job, in order):       {figures['delivered_per_second']}/s"
        f"  ratio {figures['ratio']}  in order: {figures['in_order']}\n"
        f"  event appends with fan-out:            {figures['appends_per_second']}/s\n"
        f"  commit to arrival with a worker:       p50 {figures['latency_p50_s']} s, "
        f"p95 {figures['latency_p95_s']} s, max {figures['latency_max_s']} s"
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"webhooks-{stamp}.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
