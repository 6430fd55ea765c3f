"""Every PromQL expression in the rules and dashboards parses and names only metrics the
stack really exposes (tests/monitoring/exporters.py gathers them from the real sources), and
the exporters' configs are accepted by the exporters themselves."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from app.backups.textfile import Outcome, write_outcome
from tests.monitoring.exporters import (
    MONITORING,
    PROMETHEUS_SERIES,
    app_names,
    exporter_names,
    mtail_metrics,
    nginx_log_lines,
)
from tests.monitoring.tools import run_tool

RULE_FILES = sorted((MONITORING / "prometheus" / "rules").glob("*.yml"))
DASHBOARDS = sorted((MONITORING / "grafana" / "dashboards").glob("*.json"))
# Grafana's variables stand for durations; any valid one will do for parsing.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


@pytest.fixture(scope="module")
def exporters(tmp_path_factory: pytest.TempPathFactory, database_url: str, redis_url: str) -> Any:
    return exporter_names(tmp_path_factory.mktemp("exporters"), database_url, redis_url)


def _recorded() -> set[str]:
    return {
        rule["record"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


@pytest.fixture(scope="module")
def exposed(exporters: dict[str, set[str]]) -> set[str]:
    sources = [names for source, names in exporters.items() if source != "blackbox_probe"]
    return app_names() | PROMETHEUS_SERIES | _recorded() | set().union(*sources)


def _metric_names(expr: str) -> set[str]:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    names: set[str] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            assert node.name, f"a selector without a metric name in {expr!r}"
            names.add(node.name)
        return True

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def _rule_expressions() -> list[tuple[str, str]]:
    return [
        (rule.get("alert") or rule["record"], rule["expr"])
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # rows hold their collapsed panels
    return panels


def _dashboard_expressions() -> list[tuple[str, str]]:
    return [
        (f"{path.stem}: {panel['title']}", target["expr"])
        for path in DASHBOARDS
        for panel in _panels(json.loads(path.read_text()))
        for target in panel.get("targets", [])
    ]


def test_every_exporter_was_scraped(exporters: dict[str, set[str]]) -> None:
    assert "node_cpu_seconds_total" in exporters["node"]
    assert "courzly_backup_last_success_timestamp_seconds" in exporters["node"]  # textfiles
    assert {"pg_up", "pg_wal_archive_oldest_ready_seconds"} <= exporters["postgres"]
    assert "redis_up" in exporters["redis"]
    assert "nginx_http_requests_total" in exporters["nginx"]


def test_the_blackbox_module_probes_https_and_reads_the_certificate_expiry(
    exporters: dict[str, set[str]],
) -> None:
    (probe,) = exporters["blackbox_probe"]
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(probe)
        for sample in family.samples
    }
    assert samples["probe_success"] == 1, probe
    assert samples["probe_http_ssl"] == 1
    # The test server's certificate is valid for 20 days: CertificateExpiringSoon's input.
    days_left = (samples["probe_ssl_earliest_cert_expiry"] - time.time()) / 86400
    assert 19 < days_left <= 20


def test_the_exporters_accept_their_configs() -> None:
    blackbox = MONITORING / "blackbox" / "blackbox.yml"
    checked = run_tool(
        "prometheus-blackbox-exporter", f"--config.file={blackbox}", "--config.check"
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compiled = run_tool("mtail", "--compile_only", "--progs", str(MONITORING / "mtail"))
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_mtail_counts_nginx_requests_by_status_from_our_log_format(tmp_path: Path) -> None:
    log = tmp_path / "access.json.log"
    log.write_text(nginx_log_lines())
    counts = {
        sample.labels["status"]: sample.value
        for family in text_string_to_metric_families(mtail_metrics(log))
        for sample in family.samples
        if sample.name == "nginx_http_requests_total"
    }
    assert counts == {"200": 2, "502": 1}


@pytest.mark.parametrize(("where", "expr"), _rule_expressions(), ids=lambda v: str(v)[:40])
def test_rules_use_only_exposed_metrics(where: str, expr: str, exposed: set[str]) -> None:
    assert _metric_names(expr) - exposed == set(), where


@pytest.mark.parametrize(("where", "expr"), _dashboard_expressions(), ids=lambda v: str(v)[:60])
def test_dashboard_queries_parse_and_use_only_exposed_metrics(
    where: str, expr: str, exposed: set[str]
) -> None:
    assert _metric_names(expr) - exposed == set(), where


def test_the_name_check_catches_a_metric_that_does_not_exist(exposed: set[str]) -> None:
    assert _metric_names("rate(courzly_http_requestz_total[5m])") - exposed
    with pytest.raises(ValueError, match="parenthesis"):
        promql_parser.parse("sum(rate(x[5m])")  # unbalanced


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboards_are_valid_with_unique_panel_ids(path: Path) -> None:
    dashboard = json.loads(path.read_text())
    assert dashboard["uid"]
    assert dashboard["title"].startswith("Courzly")
    panels = _panels(dashboard)
    assert panels
    ids = Counter(panel["id"] for panel in panels)
    assert [i for i, n in ids.items() if n > 1] == [], "duplicate panel ids"
    for panel in panels:
        assert panel["title"], panel["id"]
        grid = panel["gridPos"]
        assert grid["x"] >= 0, panel["title"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert panel["datasource"]["uid"] == "prometheus", panel["title"]
            for target in panel["targets"]:
                assert target["expr"].strip(), panel["title"]
                assert target["refId"], panel["title"]


def test_dashboards_cover_the_areas_ops_need() -> None:
    titles = {json.loads(path.read_text())["title"] for path in DASHBOARDS}
    for area in ("service overview", "workflows and AI", "host", "PostgreSQL", "Redis", "backups"):
        assert any(area.lower() in title.lower() for title in titles), area
    uids = [json.loads(path.read_text())["uid"] for path in DASHBOARDS]
    assert len(uids) == len(set(uids))


def test_the_datasource_uid_the_dashboards_use_is_provisioned() -> None:
    provisioned = yaml.safe_load(
        (MONITORING / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    assert [d["uid"] for d in provisioned["datasources"]] == ["prometheus"]


def test_a_failed_backup_keeps_the_time_of_the_last_success(tmp_path: Path) -> None:
    write_outcome(tmp_path, Outcome("diff", True, 1_000.0, 3.0, 10))
    path = write_outcome(tmp_path, Outcome("diff", False, 2_000.0, 1.0, 0))
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(path.read_text())
        for sample in family.samples
    }
    assert samples["courzly_backup_last_run_succeeded"] == 0
    assert samples["courzly_backup_last_run_timestamp_seconds"] == 2_000
    assert samples["courzly_backup_last_success_timestamp_seconds"] == 1_000
    assert re.search(r'kind="diff"', path.read_text())
