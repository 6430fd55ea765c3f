#!/usr/bin/env python3
"""Ansible dynamic inventory from a Pulumi stack's outputs (`pulumi stack output --json`).

Each environment's inventory (inventories/<env>/, with that environment's group_vars)
links here: run from there it reads stack-outputs.<env>.json at the repository root, and
refuses another environment's outputs, so staging's outputs can never steer a prod run.
Run directly it reads stack-outputs.json. COURZLY_STACK_OUTPUTS names another file.
The single-host profile gives one host, `courzly-<environment>`, reached at its public IP;
every output useful to the roles becomes a `courzly_*` variable of the group.

    ansible-inventory -i ansible/inventories/staging --list
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "staging", "prod")
# Stack output -> group variable the roles read.
VARIABLES = {
    "environment": "courzly_environment",
    "profile": "courzly_profile",
    "url": "courzly_public_url",
    "region": "courzly_region",
    "instance_id": "courzly_instance_id",
    "backup_bucket": "courzly_backup_bucket",
    "backup_prefix": "courzly_backup_prefix",
    "backup_key_arn": "courzly_backup_key_arn",
    "backup_replica_bucket": "courzly_backup_replica_bucket",
    "alarm_topic_arn": "courzly_alarm_topic_arn",
    "admin_cidrs": "courzly_admin_cidrs",
    "admin_ssh_keys": "courzly_admin_ssh_keys",
    "ssm_only": "courzly_ssm_only",
}


class InventoryError(Exception):
    pass


def load_outputs(path: Path) -> dict[str, Any]:
    try:
        outputs = json.loads(path.read_text())
    except FileNotFoundError:
        write = f"pulumi stack output --json --stack <name> > {path.name}"
        raise InventoryError(f"{path} is missing: write it with `{write}`") from None
    except json.JSONDecodeError as exc:
        raise InventoryError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(outputs, dict) or "environment" not in outputs:
        raise InventoryError(f"{path} does not look like a Courzly stack's outputs")
    return outputs


def inventory(outputs: dict[str, Any]) -> dict[str, Any]:
    group_vars = {name: outputs[key] for key, name in VARIABLES.items() if key in outputs}
    group_vars["ansible_python_interpreter"] = "/usr/bin/python3"  # Debian 12's own
    hosts: dict[str, dict[str, Any]] = {}
    if outputs.get("public_ip"):  # the single-host profile
        hosts[f"courzly-{outputs['environment']}"] = {"ansible_host": outputs["public_ip"]}
    return {
        "courzly": {"hosts": sorted(hosts), "vars": group_vars},
        "_meta": {"hostvars": hosts},
    }


def expected_environment(invoked_as: str) -> str | None:
    """The environment whose inventory directory the script was run from (through its link)."""
    folder = Path(invoked_as).parent.name
    return folder if folder in ENVIRONMENTS else None


def outputs_for(environment: str | None) -> dict[str, Any]:
    default = f"stack-outputs.{environment}.json" if environment else "stack-outputs.json"
    path = Path(os.environ.get("COURZLY_STACK_OUTPUTS") or ROOT / default)
    outputs = load_outputs(path)
    if environment and outputs["environment"] != environment:
        raise InventoryError(
            f"{path} holds the {outputs['environment']} stack's outputs, "
            f"not {environment}'s: write them with `pulumi stack output --json --stack "
            f"{environment} > stack-outputs.{environment}.json`"
        )
    return outputs


def main(argv: list[str]) -> int:
    try:
        found = inventory(outputs_for(expected_environment(argv[0])))
    except InventoryError as exc:
        print(f"pulumi_inventory: {exc}", file=sys.stderr)
        return 1
    if not found["courzly"]["hosts"]:
        print(
            "pulumi_inventory: this stack has no single host (the scaled profile's app hosts "
            "are an auto-scaling group); the group has its variables and no host",
            file=sys.stderr,
        )
    if len(argv) > 2 and argv[1] == "--host":
        print(json.dumps(found["_meta"]["hostvars"].get(argv[2], {})))
    else:
        print(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
