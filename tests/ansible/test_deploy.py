"""deploy.yml's release logic, run for real by Ansible on this machine (local connection,
paths under a temporary directory): pinned digests only, migrations before the start, the
health gate, the automatic return to the previous release, an explicit rollback, pruning,
and a repeated deploy changing nothing. `docker compose` is tests/ansible/fake_docker.py
(there is no Docker engine here); the health gate polls a real HTTP server that answers
for whichever release fake_docker last started."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.migrate import ROOT
from tests.ansible.playbooks import run_playbook
from tests.monitoring.tools import serving

FAKE_DOCKER = Path(__file__).parent / "fake_docker.py"
GOOD_A = "0" * 64
GOOD_B = "1" * 64
GOOD_C = "2" * 64
UNHEALTHY = "dead" + "0" * 60
BROKEN_MIGRATION = "bad0" + "0" * 60


def _image(name: str, digest: str) -> str:
    return f"ghcr.io/courzly/courzly-{name}@sha256:{digest}"


@dataclass
class Stack:
    root: Path
    state: Path
    port: int

    @property
    def running(self) -> str:
        path = self.state / "running.env"
        return path.read_text().splitlines()[0] if path.exists() else ""

    def link(self, name: str) -> str:
        path = self.root / name
        return path.resolve().name if path.is_symlink() else ""

    @property
    def calls(self) -> list[str]:
        return (self.state / "calls.log").read_text().splitlines()

    def deploy(self, *, api: str = "", rollback: bool = False, **extra: Any) -> tuple[int, str]:
        variables: dict[str, Any] = {
            "courzly_root": str(self.root),
            "courzly_env_file": str(self.root.parent / "etc-courzly" / "courzly.env"),
            "courzly_repository": str(ROOT),
            "app_compose": [sys.executable, str(FAKE_DOCKER), "compose"],
            "app_health_urls": [f"http://127.0.0.1:{self.port}/readyz"],
            "app_health_retries": 2,
            "app_health_delay": 1,
            "ansible_become": False,
            **extra,
        }
        if api:
            variables |= {
                "courzly_api_image": _image("api", api),
                "courzly_web_image": _image("web", api),
                "courzly_revision": f"rev{api[:4]}",
            }
        if rollback:
            variables["courzly_rollback"] = True
        ran = run_playbook("deploy.yml", variables, env={"FAKE_DOCKER_STATE": str(self.state)})
        return ran.returncode, ran.stdout + ran.stderr


class _Health(BaseHTTPRequestHandler):
    state: Path

    def do_GET(self) -> None:
        running = self.state / "running.env"
        healthy = running.exists() and "@sha256:dead" not in running.read_text()
        self.send_response(200 if healthy else 503)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    state = tmp_path / "state"
    state.mkdir()
    handler = type("Health", (_Health,), {"state": state})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as server:
        yield Stack(tmp_path / "opt-courzly", state, server.server_address[1])


def _recap_changed(output: str) -> int:
    line = next(line for line in output.splitlines() if line.startswith("courzly-test"))
    return int(line.split("changed=")[1].split()[0])


def test_a_release_runs_its_migrations_then_starts_behind_the_health_gate(stack: Stack) -> None:
    code, output = stack.deploy(api=GOOD_A)
    assert code == 0, output[-4000:]
    assert stack.running == _image("api", GOOD_A)
    assert stack.link("current").startswith("rev0000-")
    assert stack.link("previous") == ""
    steps = [call.split()[-1] for call in stack.calls]
    assert steps == ["--quiet", "migrate", "--remove-orphans"]  # pull, migrate, up
    env = (stack.root.parent / "etc-courzly" / "courzly.env").read_text()
    assert "JWT_SECRET=" in env


def test_a_second_identical_deploy_changes_nothing(stack: Stack) -> None:
    assert stack.deploy(api=GOOD_A)[0] == 0
    code, output = stack.deploy(api=GOOD_A)
    assert code == 0, output[-4000:]
    assert _recap_changed(output) == 0, output[-6000:]


def test_an_unhealthy_release_is_replaced_by_the_one_before(stack: Stack) -> None:
    assert stack.deploy(api=GOOD_A)[0] == 0
    assert stack.deploy(api=GOOD_B)[0] == 0
    before = stack.link("current")
    code, output = stack.deploy(api=UNHEALTHY)
    assert code != 0
    assert "failed" in output
    assert f"the stack is back on {before}" in output
    assert stack.running == _image("api", GOOD_B)
    assert stack.link("current") == before
    assert stack.link("previous").startswith("rev0000-")  # still the one before B


def test_a_failed_migration_leaves_the_running_release_alone(stack: Stack) -> None:
    assert stack.deploy(api=GOOD_A)[0] == 0
    code, output = stack.deploy(api=BROKEN_MIGRATION)
    assert code != 0
    assert "migration 0042 failed" in output
    assert stack.running == _image("api", GOOD_A)
    assert stack.link("current").startswith("rev0000-")


def test_a_rollback_returns_to_the_previous_release_once(stack: Stack) -> None:
    assert stack.deploy(api=GOOD_A)[0] == 0
    assert stack.deploy(api=GOOD_B)[0] == 0
    code, output = stack.deploy(rollback=True)
    assert code == 0, output[-4000:]
    assert stack.running == _image("api", GOOD_A)
    assert stack.link("current").startswith("rev0000-")
    again, output = stack.deploy(rollback=True)
    assert again != 0
    assert "There is no previous release on this host" in output
    assert stack.running == _image("api", GOOD_A)


def test_a_tag_instead_of_a_digest_is_refused_before_anything_runs(stack: Stack) -> None:
    code, output = stack.deploy(
        courzly_api_image="ghcr.io/courzly/courzly-api:latest",
        courzly_web_image=_image("web", GOOD_A),
    )
    assert code != 0
    assert "must be image@sha256:<64 hex digits>" in output
    assert not (stack.state / "calls.log").exists()


def test_old_releases_are_pruned_but_never_current_or_previous(stack: Stack) -> None:
    for digest in (GOOD_A, GOOD_B, GOOD_C):
        assert stack.deploy(api=digest, app_keep_releases=1)[0] == 0
    kept = sorted(path.name for path in (stack.root / "releases").iterdir())
    assert kept == sorted([stack.link("current"), stack.link("previous")])
    assert stack.link("current").startswith("rev2222-")
