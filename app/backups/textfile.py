"""Each backup job's outcome as Prometheus textfile metrics, one file per kind, which
node-exporter serves from its textfile directory (COURZLY_TEXTFILE_DIR on the host). The
BackupTooOld and BackupFailed alerts read them (monitoring/prometheus/rules/backups.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile
from prometheus_client.parser import text_string_to_metric_families

LAST_SUCCESS = "courzly_backup_last_success_timestamp_seconds"


@dataclass(frozen=True)
class Outcome:
    kind: str  # full, diff, verify, media, host-config
    succeeded: bool
    finished_at: float  # seconds since the epoch
    duration_seconds: float
    size_bytes: int = 0


def _previous_success(path: Path) -> float | None:
    """A failed run keeps the time of the last good one: that is what the age alert needs."""
    if not path.exists():
        return None
    for family in text_string_to_metric_families(path.read_text()):
        for sample in family.samples:
            if sample.name == LAST_SUCCESS:
                return float(sample.value)
    return None


def write_outcome(directory: Path, outcome: Outcome) -> Path:
    path = directory / f"courzly_backup_{outcome.kind}.prom"
    registry = CollectorRegistry()

    def gauge(name: str, help_text: str) -> Gauge:
        return Gauge(name, help_text, ["kind"], registry=registry)

    gauge(
        "courzly_backup_last_run_succeeded", "1 if the last run of this backup succeeded."
    ).labels(outcome.kind).set(int(outcome.succeeded))
    gauge("courzly_backup_last_run_timestamp_seconds", "When the last run finished.").labels(
        outcome.kind
    ).set(outcome.finished_at)
    gauge("courzly_backup_last_duration_seconds", "How long the last run took.").labels(
        outcome.kind
    ).set(outcome.duration_seconds)
    gauge("courzly_backup_last_size_bytes", "Bytes the last run stored.").labels(outcome.kind).set(
        outcome.size_bytes
    )
    last_success = outcome.finished_at if outcome.succeeded else _previous_success(path)
    if last_success is not None:
        gauge(LAST_SUCCESS, "When this backup last succeeded.").labels(outcome.kind).set(
            last_success
        )
    directory.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)  # atomic: written aside, then renamed
    return path
