"""The Pulumi program run under Pulumi's own mocks: every resource it declares, recorded
with its inputs, for each stack file exactly as `pulumi up` would read it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from app.migrate import ROOT
from infra import config as stack_config
from infra import program

STACKS = ("dev", "staging", "prod")


@dataclass(frozen=True)
class Resource:
    type: str  # "aws:s3/bucket:Bucket"
    name: str
    inputs: dict[str, Any]


@dataclass
class Recorder(pulumi.runtime.Mocks):
    resources: list[Resource] = field(default_factory=list)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(Resource(args.typ, args.name, dict(args.inputs)))
        state = dict(args.inputs)
        # What AWS would fill in, so outputs that depend on them resolve.
        state.setdefault("arn", f"arn:aws:mock:::{args.name}")
        state.setdefault("publicIp", "198.51.100.7")
        state.setdefault("availabilityZone", args.inputs.get("availabilityZone", "eu-west-1a"))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"names": ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "zoneIds": ["1", "2", "3"]}
        if args.token == "aws:ec2/getAmi:getAmi":
            return {"id": "ami-0debian12", "imageId": "ami-0debian12", "name": "debian-12-amd64"}
        raise AssertionError(f"the program calls {args.token}, which the mocks do not answer")


def stack_file(stack: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    return loaded["config"]


def as_runtime_config(settings: dict[str, Any]) -> dict[str, str]:
    """Pulumi hands a program its config as strings, objects as JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in settings.items()
    }


def record(stack: str, overrides: dict[str, Any] | None = None) -> list[Resource]:
    """Run the program for `stack` (with settings overridden) and return what it declared."""
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="courzly", stack=stack, preview=False)
    settings = {**stack_file(stack), **(overrides or {})}
    pulumi.runtime.set_all_config(as_runtime_config(settings))

    @pulumi.runtime.test  # waits for every registration and output to settle
    def run() -> None:
        program.declare(stack_config.load())

    run()
    return recorder.resources


def of_type(resources: list[Resource], suffix: str) -> list[Resource]:
    """`suffix`: the type's last part, "s3/bucket:Bucket"."""
    return [r for r in resources if r.type.endswith(suffix)]


def stack_path(stack: str) -> Path:
    return ROOT / f"Pulumi.{stack}.yaml"
