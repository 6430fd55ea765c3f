"""The Ansible inventory built from a Pulumi stack's outputs (sample outputs of a
single-host staging stack and a scaled prod stack), run as Ansible runs it: a script
answering --list and --host with JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.migrate import ROOT

INVENTORIES = ROOT / "ansible" / "inventories"
SCRIPT = INVENTORIES / "pulumi_inventory.py"
DATA = Path(__file__).parent / "data"


def _run(outputs: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"COURZLY_STACK_OUTPUTS": str(outputs), "PATH": "/usr/bin:/bin"},
    )


def test_a_single_host_stack_gives_its_host_and_the_roles_variables() -> None:
    listed = _run(DATA / "stack-outputs.staging.json", "--list")
    assert listed.returncode == 0, listed.stderr
    inventory = json.loads(listed.stdout)
    assert inventory["courzly"]["hosts"] == ["courzly-staging"]
    variables = inventory["courzly"]["vars"]
    assert variables["courzly_environment"] == "staging"
    assert variables["courzly_public_url"] == "https://staging.courzly.example"
    assert variables["courzly_backup_bucket"] == "courzly-staging-backups-0a1b2c3d"
    assert variables["courzly_backup_prefix"] == "courzly/"
    assert variables["ansible_python_interpreter"] == "/usr/bin/python3"
    assert inventory["_meta"]["hostvars"]["courzly-staging"] == {"ansible_host": "203.0.113.10"}
    host = _run(DATA / "stack-outputs.staging.json", "--host", "courzly-staging")
    assert json.loads(host.stdout) == {"ansible_host": "203.0.113.10"}


def test_a_scaled_stack_has_its_variables_and_says_why_it_has_no_host() -> None:
    listed = _run(DATA / "stack-outputs.prod-scaled.json", "--list")
    assert listed.returncode == 0, listed.stderr
    inventory = json.loads(listed.stdout)
    assert inventory["courzly"]["hosts"] == []
    assert inventory["courzly"]["vars"]["courzly_profile"] == "scaled"
    assert inventory["courzly"]["vars"]["courzly_ssm_only"] is True
    assert "auto-scaling group" in listed.stderr


def test_missing_or_broken_outputs_fail_with_a_clear_message(tmp_path: Path) -> None:
    missing = _run(tmp_path / "stack-outputs.json", "--list")
    assert missing.returncode == 1
    assert "pulumi stack output --json" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert "is not JSON" in _run(broken, "--list").stderr
    other = tmp_path / "other.json"
    other.write_text('{"bucket": "x"}')
    assert "does not look like a Courzly stack" in _run(other, "--list").stderr
    assert "Traceback" not in _run(broken, "--list").stderr


def _ansible_inventory(
    environment: str, outputs: Path, home: Path
) -> subprocess.CompletedProcess[str]:
    """An environment's inventory as Ansible reads it: the linked script and group_vars."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-inventory"),
            "-i",
            str(INVENTORIES / environment),
            "--list",
            "--export",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT / "ansible",
        env={"COURZLY_STACK_OUTPUTS": str(outputs), "PATH": "/usr/bin:/bin", "HOME": str(home)},
    )


def test_an_environment_inventory_adds_its_own_settings_to_the_stack_outputs(
    tmp_path: Path,
) -> None:
    listed = _ansible_inventory("staging", DATA / "stack-outputs.staging.json", tmp_path)
    assert listed.returncode == 0, listed.stderr
    inventory = json.loads(listed.stdout)
    assert inventory["courzly"]["hosts"] == ["courzly-staging"]
    variables = inventory["courzly"]["vars"]
    assert variables["courzly_public_url"] == "https://staging.courzly.example"
    assert variables["courzly_admin_cidrs"] == ["203.0.113.0/24"]  # the stack's
    assert variables["ansible_user"] == "courzly-admin"  # staging's group_vars


def test_an_environment_inventory_refuses_another_environments_outputs(tmp_path: Path) -> None:
    listed = _ansible_inventory("prod", DATA / "stack-outputs.staging.json", tmp_path)
    assert "holds the staging stack's outputs, not prod's" in listed.stderr
    assert "courzly-staging" not in listed.stdout  # nothing of staging's reaches a prod run
