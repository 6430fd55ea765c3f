"""The host's first boot: install Ansible and apply this repository's playbook, at the
pinned revision, to the machine itself. Later changes go through `ansible-playbook`."""

from __future__ import annotations

import shlex

DATA_DEVICE = "/dev/sdf"  # shows up as an NVMe device on Nitro instances; the role finds it


def user_data(repository_url: str, revision: str, environment: str, public_url: str) -> str:
    checkout = "/opt/courzly/src"
    variables = (
        f"courzly_environment={environment} courzly_public_url={public_url} "
        f"courzly_data_device={DATA_DEVICE}"
    )
    commands = [
        ["apt-get", "update"],
        # Debian's ansible: ansible-core with the community collections the roles use.
        ["apt-get", "install", "-y", "--no-install-recommends", "ansible", "git"],
        ["git", "clone", "--no-checkout", repository_url, checkout],
        ["git", "-C", checkout, "checkout", "--detach", revision],
        [
            "ansible-playbook",
            "--connection=local",
            "--inventory=localhost,",
            f"--extra-vars={variables}",
            f"{checkout}/ansible/site.yml",
        ],
    ]
    lines = ["#cloud-config", "package_update: true", "runcmd:"]
    lines += [f"  - {shlex.join(command)}" for command in commands]
    return "\n".join(lines) + "\n"
