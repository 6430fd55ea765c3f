"""The roles' guards against locking the operator out, run by Ansible: the ssh role's
check of the connecting account, and the firewall role's refusal to open SSH to nobody.
Each stops the play before anything changes, with a message saying what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ansible.playbooks import run_role_tasks


def _play(
    directory: Path, role: str, tasks_from: str, variables: dict[str, Any]
) -> tuple[int, str]:
    ran = run_role_tasks(directory, role, [tasks_from], variables)
    return ran.returncode, ran.stdout + ran.stderr


def _home(tmp_path: Path, keys: str | None) -> Path:
    home = tmp_path / "home"
    tmp_path.mkdir(parents=True, exist_ok=True)
    (home / ".ssh").mkdir(parents=True)
    if keys is not None:
        (home / ".ssh/authorized_keys").write_text(keys)
    return home


def _guard(tmp_path: Path, user: str, keys: str | None) -> tuple[int, str]:
    variables = {
        "ssh_allowed_users": ["courzly-admin"],
        "ssh_guard_user": user,
        "ssh_guard_home": str(_home(tmp_path, keys)),
    }
    return _play(tmp_path, "ssh", "guard", variables)


def test_the_operator_with_a_key_among_the_allowed_users_passes(tmp_path: Path) -> None:
    code, output = _guard(tmp_path, "courzly-admin", "ssh-ed25519 AAAAC3Nza... ops\n")
    assert code == 0, output[-3000:]


def test_an_operator_sshd_would_not_let_in_is_stopped(tmp_path: Path) -> None:
    code, output = _guard(tmp_path, "root", "ssh-ed25519 AAAAC3Nza... ops\n")
    assert code != 0
    assert "sshd would lock you out" in output
    assert "this play connects as root" in output


def test_an_allowed_operator_without_a_key_is_stopped(tmp_path: Path) -> None:
    code, output = _guard(tmp_path, "courzly-admin", None)
    assert code != 0
    assert "(who has no authorized_keys)" in output
    code, output = _guard(tmp_path / "empty", "courzly-admin", "\n")
    assert code != 0


def test_the_firewall_will_not_open_ssh_to_nobody(tmp_path: Path) -> None:
    # The role's first step (tasks/admin_networks.yml), run alone: UFW is never called.
    variables = {"firewall_ssh_enabled": True, "firewall_admin_cidrs": []}
    code, output = _play(tmp_path, "firewall", "admin_networks", variables)
    assert code != 0
    assert "firewall_admin_cidrs is empty" in output
    variables["firewall_admin_cidrs"] = ["198.51.100.0/24"]
    assert _play(tmp_path / "ok", "firewall", "admin_networks", variables)[0] == 0
