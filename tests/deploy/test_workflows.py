"""The GitHub Actions workflows: valid against GitHub's workflow schema (check-jsonschema's
built-in copy), and the promotion rules of issue 7 asserted: dev -> staging -> production in
that order behind their environments, production deploying the digests release.yml
recorded (never a rebuild), actions pinned, least privilege, and no secret echoed."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.migrate import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CHECK_JSONSCHEMA = ROOT / ".venv" / "bin" / "check-jsonschema"
ALL = sorted(WORKFLOWS.glob("*.yml"))
# owner/repo[/path]@<full commit sha> or @vX.Y.Z: a tag like v4 or a branch moves under us.
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@(?:[0-9a-f]{40}|v\d+\.\d+\.\d+)$")
SECRET = re.compile(r"\$\{\{\s*secrets\.")


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def _on(workflow: dict[str, Any]) -> dict[str, Any]:
    triggers: dict[str, Any] = workflow.get("on", workflow.get(True))  # YAML 1.1: on is True
    return triggers


def _steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def test_the_expected_workflows_exist() -> None:
    names = {path.name for path in ALL}
    assert names >= {"ci.yml", "release.yml", "deploy.yml", "drift.yml", "backup-drill.yml"}
    assert "postgres-image.yml" in names


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_each_workflow_follows_githubs_schema(path: Path) -> None:
    checked = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_actions_are_pinned_and_permissions_are_least(path: Path) -> None:
    workflow = _load(path.name)
    assert workflow["permissions"] == {"contents": "read"}, "read-only unless a job says more"
    for job_name, job in workflow["jobs"].items():
        uses = job.get("uses")
        if uses is not None:
            assert uses.startswith("./.github/workflows/"), (job_name, uses)
        for step in job.get("steps", []):
            if "uses" in step:
                assert PINNED_ACTION.match(step["uses"]), (job_name, step["uses"])
        granted = job.get("permissions", {})
        assert "write-all" not in str(granted), job_name
        assert granted.get("contents", "read") == "read", job_name


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_no_secret_reaches_a_script_or_the_log(path: Path) -> None:
    """Secrets go into a step's env or with, never into its script's text (where they
    could be echoed, or land in a process list); scripts never print the variables that
    hold them, and never trace (set -x)."""
    workflow = _load(path.name)
    for job_name, step in _steps(workflow):
        script = step.get("run", "")
        assert not SECRET.search(script), (job_name, step.get("name"))
        assert "set -x" not in script, (job_name, step.get("name"))
        holding = [k for k, v in (step.get("env") or {}).items() if SECRET.search(str(v))]
        for line in script.splitlines():
            if re.search(r"\b(echo|printf|cat)\b", line):
                for name in holding:
                    printed = re.search(rf"\$\{{?{name}\b", line)
                    assert printed is None, (job_name, line)


def test_ci_runs_every_suite_on_pull_requests_and_pushes() -> None:
    ci = _load("ci.yml")
    assert set(_on(ci)) >= {"pull_request", "push"}
    jobs = ci["jobs"]
    assert set(jobs) >= {"lint", "backend", "frontend", "e2e", "infra"}
    for name in ("backend", "e2e"):
        services = jobs[name]["services"]
        assert services["postgres"]["image"].startswith("postgres:15")
        assert services["redis"]["image"].startswith("redis:7")
    runs = " ".join(step.get("run", "") for _, step in _steps(ci))
    for target in ("lint", "typecheck", "web-test", "tests/web", "tests/infra"):
        assert target in runs, target


def test_release_builds_each_image_once_and_records_its_digest() -> None:
    release = _load("release.yml")
    image = release["jobs"]["image"]
    assert [i["image"] for i in image["strategy"]["matrix"]["include"]] == ["api", "web"]
    builds = [s for s in image["steps"] if s.get("uses", "").startswith("docker/build-push")]
    assert len(builds) == 1
    assert builds[0]["with"]["push"] is True
    assert builds[0]["with"]["sbom"] is True
    assert any(s.get("uses", "").startswith("anchore/sbom-action") for s in image["steps"])
    tags = next(s for s in image["steps"] if s.get("id") == "meta")["with"]["tags"]
    assert "type=sha,format=long" in tags  # tagged by commit SHA
    record = release["jobs"]["record"]
    uploads = [s for s in record["steps"] if s.get("uses", "").startswith("actions/upload")]
    assert uploads[0]["with"] == {"name": "release", "path": "release.json", "retention-days": 90}


def test_deploy_promotes_the_recorded_digests_dev_then_staging_then_production() -> None:
    deploy = _load("deploy.yml")
    assert _on(deploy)["workflow_run"]["workflows"] == ["release"]
    assert _on(deploy)["workflow_run"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    download = jobs["release"]["steps"][0]
    assert download["uses"].startswith("actions/download-artifact")
    assert download["with"]["name"] == "release"  # release.yml's record, nothing rebuilt
    assert "github.event.workflow_run.id" in download["with"]["run-id"]
    order = {
        "dev": ["release"],
        "staging": ["release", "dev"],
        "production": ["release", "staging"],
    }
    for name, needs in order.items():
        job = jobs[name]
        assert sorted(job["needs"] if isinstance(job["needs"], list) else [job["needs"]]) == sorted(
            needs
        )
        assert job["uses"] == "./.github/workflows/deploy-environment.yml"
        assert job["with"]["environment"] == name
        assert job["with"]["api_image"] == "${{ needs.release.outputs.api }}"
        assert job["with"]["web_image"] == "${{ needs.release.outputs.web }}"
    assert jobs["production"]["with"]["stack"] == "prod"
    text = (WORKFLOWS / "deploy.yml").read_text() + (
        WORKFLOWS / "deploy-environment.yml"
    ).read_text()
    assert "build-push-action" not in text
    assert "docker build" not in text


def test_each_environment_deploy_previews_deploys_smoke_tests_and_rolls_back() -> None:
    called = _load("deploy-environment.yml")
    job = called["jobs"]["deploy"]
    assert job["environment"]["name"] == "${{ inputs.environment }}"  # reviewers wait here
    steps = job["steps"]
    assert steps[0]["with"]["ref"] == "${{ inputs.revision }}"
    pulumis = [s for s in steps if s.get("uses", "").startswith("pulumi/actions")]
    assert [s["with"]["command"] for s in pulumis] == ["preview", "up"]
    pulumi = pulumis[1]
    deploy = next(s for s in steps if s.get("id") == "deploy")
    assert "cd ansible && ../.venv/bin/ansible-playbook deploy.yml" in deploy["run"]
    assert '-i "inventories/$ENVIRONMENT"' in deploy["run"]  # refuses another stack's outputs
    assert deploy["env"]["API_IMAGE"] == "${{ inputs.api_image }}"
    smoke = next(s for s in steps if s.get("id") == "smoke")
    assert "scripts/smoke-test.sh" in smoke["run"]
    assert steps.index(pulumi) < steps.index(deploy) < steps.index(smoke)
    rollback = steps[-1]
    assert rollback["if"].startswith("failure()")
    assert "courzly_rollback=true" in rollback["run"]
    assert rollback["run"].rstrip().endswith("exit 1")  # a rolled-back release still fails
    preview = _load("deploy.yml")["jobs"]["preview"]
    previewed = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/"))
    assert previewed["with"]["command"] == "preview"
    assert previewed["with"]["comment-on-pr"] is True
    assert preview["strategy"]["matrix"]["stack"] == ["dev", "staging", "prod"]


def test_drift_and_the_backup_drill_run_on_schedules() -> None:
    drift = _load("drift.yml")
    assert "schedule" in _on(drift)
    step = next(s for _, s in _steps(drift) if s.get("uses", "").startswith("pulumi/actions"))
    assert step["with"]["expect-no-changes"] is True
    assert drift["jobs"]["preview"]["strategy"]["matrix"]["stack"] == ["dev", "staging", "prod"]
    drill = _load("backup-drill.yml")
    assert "schedule" in _on(drill)
    assert drill["jobs"]["drill"]["environment"] == "staging"
    steps = drill["jobs"]["drill"]["steps"]
    assert any(s.get("run") == "make drill" for s in steps)
    kept = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert kept["with"]["path"] == "backups/reports/"
    assert kept["if"] == "always()"
