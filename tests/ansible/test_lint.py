"""The playbooks as ansible-lint's strictest profile, yamllint and Ansible itself read them:
no rule skipped, no warning let through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.migrate import ROOT

ANSIBLE = ROOT / "ansible"
BIN = Path(sys.executable).parent
ROLES = sorted(path.name for path in (ANSIBLE / "roles").iterdir())


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ANSIBLE,
        env={**os.environ, "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "1", "PATH": f"{BIN}:/usr/bin:/bin"},
    )


@pytest.mark.parametrize("playbook", ["site.yml", "deploy.yml"])
def test_the_playbooks_pass_the_syntax_check(playbook: str) -> None:
    checked = _run(str(BIN / "ansible-playbook"), "--syntax-check", "-i", "localhost,", playbook)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_ansible_lint_passes_the_production_profile_with_nothing_skipped() -> None:
    config = yaml.safe_load((ANSIBLE / ".ansible-lint").read_text())
    assert config["profile"] == "production"
    assert not {"skip_list", "warn_list", "enable_list"} & set(config)
    linted = _run(str(BIN / "ansible-lint"), "--nocolor", "--strict")
    assert linted.returncode == 0, linted.stdout[-6000:] + linted.stderr[-3000:]
    assert "Profile 'production' was required, and it passed" in linted.stderr + linted.stdout


def test_nothing_is_silenced_in_the_roles() -> None:
    noqa = [
        f"{path.relative_to(ANSIBLE)}:{number}"
        for path in (ANSIBLE / "roles").rglob("*.yml")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "noqa" in line
    ]
    assert noqa == []


def test_yamllint_passes() -> None:
    linted = _run(str(BIN / "yamllint"), "--strict", ".")
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_the_standard_layout_and_an_argument_spec(role: str) -> None:
    path = ANSIBLE / "roles" / role
    for part in ("defaults", "tasks", "handlers", "templates", "meta"):
        assert (path / part).is_dir(), f"{role} has no {part}/"
    specs = yaml.safe_load((path / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    documented = set(specs["main"].get("options", {}))
    defaults = set(yaml.safe_load((path / "defaults" / "main.yml").read_text()) or {})
    assert defaults <= documented, f"{role}: undocumented defaults {sorted(defaults - documented)}"
    assert all(name.startswith(f"{role}_") for name in defaults), sorted(defaults)
