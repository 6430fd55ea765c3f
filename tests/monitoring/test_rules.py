"""Prometheus alerts: promtool's unit tests pass, every alert has a case in which it fires and
one in which it stays silent, and every alert says what it means and where its runbook is."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from app.migrate import ROOT
from tests.monitoring.tools import run_tool

PROMETHEUS = ROOT / "monitoring" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
RUNBOOK_PREFIX = "https://github.com/courzly/courzly/blob/main/"
SEVERITIES = {"critical", "warning"}


def _alerts() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def _cases() -> list[dict[str, Any]]:
    return [
        case
        for path in TEST_FILES
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    ]


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def test_the_rule_unit_tests_pass() -> None:
    tested = run_tool("promtool", "test", "rules", *map(str, TEST_FILES))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_rule_file_is_unit_tested() -> None:
    covered = {
        (path.parent / rule_file).resolve()
        for path in TEST_FILES
        for rule_file in yaml.safe_load(path.read_text())["rule_files"]
    }
    assert {path.resolve() for path in RULE_FILES} - covered == set()


@pytest.mark.parametrize("alert", _alerts(), ids=lambda a: a["alert"])
def test_every_alert_fires_in_one_case_and_stays_silent_in_another(alert: dict[str, Any]) -> None:
    cases = [case for case in _cases() if case["alertname"] == alert["alert"]]
    assert any(case.get("exp_alerts") for case in cases), "no case in which it fires"
    assert any(not case.get("exp_alerts") for case in cases), "no case in which it is silent"


@pytest.mark.parametrize("alert", _alerts(), ids=lambda a: a["alert"])
def test_every_alert_has_a_severity_a_summary_and_a_runbook(alert: dict[str, Any]) -> None:
    assert alert["labels"]["severity"] in SEVERITIES
    annotations = alert["annotations"]
    assert annotations["summary"]
    assert annotations["description"]
    url = annotations["runbook_url"]
    assert url.startswith(RUNBOOK_PREFIX + "docs/runbooks/"), url
    runbook = ROOT / urlparse(url).path.removeprefix(urlparse(RUNBOOK_PREFIX).path)
    assert runbook.is_file(), f"{url}: no such runbook"
    anchor = urlparse(url).fragment
    if anchor:
        headings = re.findall(r"^#+ (.+)$", runbook.read_text(), flags=re.MULTILINE)
        assert anchor in {_slug(h) for h in headings}, f"{url}: no heading for #{anchor}"


def test_alert_names_are_unique() -> None:
    names = [alert["alert"] for alert in _alerts()]
    assert len(names) == len(set(names))


def test_each_test_case_names_an_alert_that_exists() -> None:
    # A typo in a case's alertname would make its "silent" case pass for nothing.
    names = {alert["alert"] for alert in _alerts()}
    assert {case["alertname"] for case in _cases()} <= names
