"""Prometheus metrics. Labels are route templates and status codes, never raw paths or ids.

One API process serves its own registry. Several (`courzly serve --processes N`) write their
values to files in one directory (prometheus_client's multiprocess mode, switched on before
they start) and each answers /metrics with the sum of all of them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REGISTRY = CollectorRegistry(auto_describe=True)
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own switch


def share_between_processes() -> Path:
    """Call before starting several API processes: a fresh directory they all write to.
    Only the processes started afterwards see it (workers serve their own port instead)."""
    directory = Path(tempfile.gettempdir()) / f"courzly-metrics-{os.getpid()}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(mode=0o700)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    return directory


def exposition() -> bytes:
    """The text /metrics answers: this process's metrics, or every API process's summed."""
    if not os.environ.get(MULTIPROCESS_ENV):
        return generate_latest(REGISTRY)
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
    return generate_latest(combined)


def process_stopped() -> None:
    """A stopping API process takes its live gauges (requests in flight) out of the sum."""
    if os.environ.get(MULTIPROCESS_ENV):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


HTTP_REQUESTS = Counter(
    "courzly_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "courzly_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
HTTP_IN_FLIGHT = Gauge(
    "courzly_http_requests_in_flight",
    "HTTP requests being served.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
AUTH_EVENTS = Counter(
    "courzly_auth_events_total",
    "Authentication events (login_succeeded, login_failed, lockout, refresh_reuse ...).",
    ["event"],
    registry=REGISTRY,
)
JOBS = Counter(
    "courzly_jobs_total",
    "Background jobs run by workers, by job name and outcome (succeeded, failed, cancelled).",
    ["job", "outcome"],
    registry=REGISTRY,
)
JOB_SECONDS = Histogram(
    "courzly_job_duration_seconds",
    "How long background jobs ran, by job name.",
    ["job"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
JOB_WAIT = Histogram(
    "courzly_job_wait_seconds",
    "How long background jobs waited in the queue before a worker took them, by job name.",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
EXPORT_SECONDS = Histogram(
    "courzly_export_duration_seconds",
    "Exports from request to file (or failure), by format and outcome.",
    ["format", "outcome"],
    buckets=(0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320),
    registry=REGISTRY,
)
WEBHOOK_ATTEMPTS = Counter(
    "courzly_webhook_attempts_total",
    "Webhook delivery attempts by outcome (delivered, retry, gave_up).",
    ["outcome"],
    registry=REGISTRY,
)
WEBHOOK_LATENCY = Histogram(
    "courzly_webhook_attempt_duration_seconds",
    "How long receivers took to answer a webhook delivery.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
WEBHOOK_ENDPOINTS_DISABLED = Counter(
    "courzly_webhook_endpoints_disabled_total",
    "Webhook endpoints switched off after failing for a day (6 attempts or more).",
    registry=REGISTRY,
)
MAIL = Counter(
    "courzly_mail_total",
    "Notification mail by kind and outcome (sent, logged: no SMTP_HOST, retry, failed, skipped).",
    ["kind", "outcome"],
    registry=REGISTRY,
)
DRIVE_SYNCS = Counter(
    "courzly_drive_syncs_total",
    "Exports sent to Google Drive, by outcome (synced, failed).",
    ["outcome"],
    registry=REGISTRY,
)
