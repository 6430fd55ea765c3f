"""Running the roles from the tests: ansible-playbook from this venv against the test
inventory (one host, this machine, local connection), and a role's task files alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from app.migrate import ROOT

ANSIBLE = ROOT / "ansible"
INVENTORY = Path(__file__).parent / "inventory"
PLAYBOOK_BIN = Path(sys.executable).parent / "ansible-playbook"


def run_playbook(
    playbook: Path | str,
    variables: dict[str, Any],
    *,
    cwd: Path = ANSIBLE,
    roles_path: Path = ANSIBLE / "roles",
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLAYBOOK_BIN), "-i", str(INVENTORY), str(playbook), "-e", json.dumps(variables)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env={
            **os.environ,
            "ANSIBLE_ROLES_PATH": str(roles_path),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            **(env or {}),
        },
    )


def link_group_vars(directory: Path) -> None:
    """The playbooks' shared variables (ansible/group_vars), for a playbook in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / "group_vars").exists():
        (directory / "group_vars").symlink_to(ANSIBLE / "group_vars")


def run_role_tasks(
    directory: Path,
    role: str,
    task_files: list[str],
    variables: dict[str, Any],
    *,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`role`'s task files alone, in order, from a playbook written into `directory`."""
    tasks = [
        {
            "name": f"{role} {name}",
            "ansible.builtin.include_role": {"name": role, "tasks_from": name},
        }
        for name in task_files
    ]
    link_group_vars(directory)
    playbook = directory / f"{role}-tasks.yml"
    playbook.write_text(
        yaml.safe_dump([{"hosts": "courzly", "gather_facts": False, "tasks": tasks}])
    )
    return run_playbook(playbook, variables, env=env)
