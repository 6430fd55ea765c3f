"""The monitoring configs the compose stack mounts, checked by the tools that load them:
promtool (Prometheus config and rules) and amtool (Alertmanager), from Debian's packages."""

from __future__ import annotations

import shutil
import subprocess

from app.migrate import ROOT

MONITORING = ROOT / "monitoring"


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    found = shutil.which(tool)
    assert found, f"{tool} is missing: `make test` installs it (scripts/ensure-packages.sh)"
    return subprocess.run(
        [found, *args], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )


def test_prometheus_config_and_its_rules_load() -> None:
    checked = _run("promtool", "check", "config", str(MONITORING / "prometheus" / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "rules found" in checked.stdout  # the rule files were found and checked too


def test_alertmanager_config_loads() -> None:
    checked = _run("amtool", "check-config", str(MONITORING / "alertmanager" / "alertmanager.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
