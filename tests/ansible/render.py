"""Render a role's files exactly as the role does, under a temporary root.

The role's own `ansible.builtin.template` and `ansible.builtin.copy` tasks are lifted out
of its task files and run in a stand-in role that shares its defaults, argument specs,
templates and files, against the test inventory (tests/ansible/inventory) with a local
connection. Each `dest` is moved under the root; owners, validation and handlers are
dropped (the tests run the real tools on the results themselves)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from app.migrate import ROOT
from tests.ansible.playbooks import ANSIBLE, run_playbook

TEMPLATE = "ansible.builtin.template"
COPY = "ansible.builtin.copy"
DROPPED = ("owner", "group", "validate", "backup")
KEPT = ("name", "loop", "loop_control", "vars", "when")
# Build artefacts, not configuration: the app's wheel, made on the controller during a run.
NOT_CONFIGURATION = {"Copy the wheel and the pinned requirements"}


def _tasks(path: Path) -> list[dict[str, Any]]:
    """A task file's tasks, blocks flattened, includes of other task files followed."""
    found: list[dict[str, Any]] = []
    for task in yaml.safe_load(path.read_text()) or []:
        if "block" in task:
            found += [
                {**inner, "vars": {**task.get("vars", {}), **inner.get("vars", {})}}
                for inner in task["block"]
            ]
        else:
            found.append(task)
    return found


def _writes_a_file(task: dict[str, Any]) -> bool:
    if task.get("name") in NOT_CONFIGURATION:
        return False
    return TEMPLATE in task or (COPY in task and not task[COPY].get("remote_src"))


def file_tasks(role: str) -> list[dict[str, Any]]:
    tasks = []
    for path in sorted((ANSIBLE / "roles" / role / "tasks").glob("*.yml")):
        tasks += [task for task in _tasks(path) if _writes_a_file(task)]
    return tasks


def _relocated(task: dict[str, Any], prefix: str, role: Path) -> list[dict[str, Any]]:
    module = TEMPLATE if TEMPLATE in task else COPY
    args = {k: v for k, v in task[module].items() if k not in DROPPED}
    if "src" in args:
        args["src"] = f"{role / ('templates' if module == TEMPLATE else 'files')}/{args['src']}"
    args["dest"] = f"{prefix}{args['dest']}"
    common = {k: copy.deepcopy(v) for k, v in task.items() if k in KEPT and k != "name"}
    # The destination as the role computes it (loop, vars and all), then its parent made.
    where = {
        "name": f"Where: {task['name']}",
        "ansible.builtin.set_fact": {"render_dest": args["dest"]},
        "register": "render_dests",
        **common,
    }
    parents = {
        "name": f"Parents: {task['name']}",
        "ansible.builtin.file": {
            "path": "{{ item.ansible_facts.render_dest | dirname }}",
            "state": "directory",
            "mode": "0755",
        },
        "loop": "{{ render_dests.results | default([render_dests]) }}",
        "when": "item.ansible_facts is defined",
    }
    return [where, parents, {"name": task["name"], module: args, **common}]


def _stand_in(role: str, roles_dir: Path, prefix: str) -> None:
    source = ANSIBLE / "roles" / role
    stand_in = roles_dir / role
    (stand_in / "tasks").mkdir(parents=True, exist_ok=True)
    for part in ("defaults", "meta", "templates", "files"):
        if (source / part).exists() and not (stand_in / part).exists():
            (stand_in / part).symlink_to(source / part)
    tasks = []
    for task in file_tasks(role):
        tasks += _relocated(task, prefix, source)
    (stand_in / "tasks" / "main.yml").write_text(yaml.safe_dump(tasks, sort_keys=False))


def render_roles(
    roles: list[str],
    root: Path,
    extra_vars: dict[str, Any] | None = None,
    *,
    facts: bool = False,
    relocate: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Render the roles' files under `root` (root/etc/nginx/nginx.conf), or, with relocate
    off, where `extra_vars` point (paths the tests set inside their own directories)."""
    roles_dir = root.parent / f"{root.name}-roles"
    for role in roles:
        _stand_in(role, roles_dir, str(root) if relocate else "")
    playbook = roles_dir / "render.yml"
    play = {"hosts": "courzly", "gather_facts": facts, "roles": roles}
    playbook.write_text(yaml.safe_dump([play], sort_keys=False))
    variables = {
        "courzly_repository": str(ROOT),
        "ansible_python_interpreter": sys.executable,
        **(extra_vars or {}),
    }
    (roles_dir / "group_vars").mkdir(exist_ok=True)
    link = roles_dir / "group_vars" / "all.yml"
    if not link.exists():
        link.symlink_to(ANSIBLE / "group_vars" / "all.yml")
    return run_playbook(playbook, variables, cwd=roles_dir, roles_path=roles_dir)


def rendered(
    role: str | list[str],
    root: Path,
    extra_vars: dict[str, Any] | None = None,
    *,
    facts: bool = False,
    relocate: bool = True,
) -> Path:
    roles = [role] if isinstance(role, str) else role
    result = render_roles(roles, root, extra_vars, facts=facts, relocate=relocate)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return root
