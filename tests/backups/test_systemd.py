"""The backup timers the host runs: each job's service and timer, rendered from
backups/systemd/ as the Ansible role renders them, pass `systemd-analyze verify` without a
warning, and every schedule is a calendar expression systemd accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.migrate import ROOT
from tests.monitoring.tools import run_tool

UNITS = ROOT / "backups" / "systemd"
JOBS: list[dict[str, Any]] = yaml.safe_load((UNITS / "jobs.yml").read_text())["jobs"]


def _render(tmp_path: Path) -> list[Path]:
    courzly = tmp_path / "courzly"
    courzly.write_text("#!/bin/sh\nexit 0\n")
    courzly.chmod(0o755)
    (tmp_path / "backup.env").write_text("BACKUP_STANZA=courzly\n")
    templates = Environment(
        loader=FileSystemLoader(UNITS),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701 - unit files, not HTML
    )
    written = []
    for job in JOBS:
        for kind in ("service", "timer"):
            unit = tmp_path / f"courzly-backup-{job['name']}.{kind}"
            unit.write_text(
                templates.get_template(f"courzly-backup.{kind}.j2").render(
                    job=job,
                    courzly_bin=courzly,
                    env_file=tmp_path / "backup.env",
                    writable_paths=[tmp_path / "spool", tmp_path / "textfiles"],
                )
            )
            written.append(unit)
    return written


def test_every_unit_passes_systemd_analyze_verify_without_a_warning(tmp_path: Path) -> None:
    units = _render(tmp_path)
    checked = run_tool("systemd-analyze", "verify", *map(str, units))
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == "", checked.stderr  # unknown keys are only warnings


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job["name"])
def test_every_schedule_is_a_valid_calendar_expression(job: dict[str, Any]) -> None:
    parsed = run_tool("systemd-analyze", "calendar", job["on_calendar"])
    assert parsed.returncode == 0, parsed.stderr


def test_the_jobs_cover_the_policy() -> None:
    commands = {job["command"] for job in JOBS}
    assert commands == {
        "backup now --type full",
        "backup now --type diff",
        "backup verify",
        "backup media",
        "backup host-config",
    }


def test_the_check_would_catch_a_mistake(tmp_path: Path) -> None:
    unit = _render(tmp_path)[0]
    unit.write_text(unit.read_text().replace("Nice=10", "Nice=10\nNiceness=10"))
    checked = run_tool("systemd-analyze", "verify", str(unit))
    assert "Unknown key" in checked.stderr
