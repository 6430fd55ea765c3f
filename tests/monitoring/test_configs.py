"""The monitoring configs the compose stack mounts, checked by the tools that load them:
promtool (Prometheus config and rules) and amtool (Alertmanager), from Debian's packages."""

from __future__ import annotations

from app.migrate import ROOT
from tests.monitoring.tools import run_tool as _run

MONITORING = ROOT / "monitoring"


def test_prometheus_config_and_its_rules_load() -> None:
    checked = _run("promtool", "check", "config", str(MONITORING / "prometheus" / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "rules found" in checked.stdout  # the rule files were found and checked too
