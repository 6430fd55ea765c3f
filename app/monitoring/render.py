"""`courzly monitoring-config`: writes the settings-dependent monitoring files into one
directory that Alertmanager and Prometheus mount (the compose stack's monitoring-config
service runs it before they start)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.monitoring.alertmanager import alertmanager_config
from app.monitoring.config import MonitoringSettings

ALERTMANAGER_FILE = "alertmanager.yml"
BLACKBOX_TARGETS_FILE = "blackbox-targets.yml"
HOST_LABEL = "app"  # as every target in monitoring/prometheus/prometheus.yml


def blackbox_targets(settings: MonitoringSettings) -> list[dict[str, object]]:
    if settings.public_url is None:
        return []
    probe = str(settings.public_url).rstrip("/") + "/healthz"
    return [{"targets": [probe], "labels": {"host": HOST_LABEL}}]


def _write_private(path: Path, content: str) -> None:
    """Readable by this user only: the Alertmanager file may hold an SMTP password."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    os.replace(temporary, path)  # Prometheus re-reads target files: never a half-written one


def render(settings: MonitoringSettings, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        ALERTMANAGER_FILE: alertmanager_config(settings),
        BLACKBOX_TARGETS_FILE: blackbox_targets(settings),
    }
    written = []
    for name, document in files.items():
        # JSON is YAML, and needs no YAML library in the image.
        header = "# Written by `courzly monitoring-config` from the environment; do not edit.\n"
        _write_private(directory / name, header + json.dumps(document, indent=2) + "\n")
        written.append(directory / name)
    return written
