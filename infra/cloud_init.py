"""The host's first boot: install Ansible and apply this repository's playbook, at the
pinned revision, to the machine itself. Later changes go through `ansible-playbook`."""

from __future__ import annotations

import json
from typing import Any

DATA_DEVICE = "/dev/sdf"  # shows up as an NVMe device on Nitro instances; the role finds it


def user_data(repository_url: str, revision: str, variables: dict[str, Any]) -> str:
    """`variables` are the playbook's courzly_* settings (as the inventory gives them)."""
    checkout = "/opt/courzly/src"
    settings = {**variables, "courzly_data_device": DATA_DEVICE}
    commands = [
        ["apt-get", "update"],
        # Debian's ansible: ansible-core with the community collections the roles use; pip
        # builds the app's wheel for the host's `courzly` command (the backups role).
        ["apt-get", "install", "-y", "--no-install-recommends", "ansible", "git", "python3-pip"],
        ["git", "clone", "--no-checkout", repository_url, checkout],
        ["git", "-C", checkout, "checkout", "--detach", revision],
        [
            "ansible-playbook",
            "--connection=local",
            "--inventory=localhost,",
            f"--extra-vars={json.dumps(settings, sort_keys=True)}",
            f"{checkout}/ansible/site.yml",
        ],
    ]
    # Each command as an argument list (no shell); JSON is YAML, so no quoting to get wrong.
    lines = ["#cloud-config", "package_update: true", "runcmd:"]
    lines += [f"  - {json.dumps(command)}" for command in commands]
    return "\n".join(lines) + "\n"
