"""The Pulumi program run under Pulumi's own mocks: every resource it declares, recorded
with its inputs, for each stack file exactly as `pulumi up` would read it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from app.migrate import ROOT
from infra import config as stack_config
from infra import program

STACKS = ("dev", "staging", "prod")
# Each stack file as it is, plus each stack under the other profile, so both profiles are
# checked with every environment's protections: name -> (stack, overridden settings).
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    **{stack: (stack, {}) for stack in STACKS},
    "prod-single-host": ("prod", {"courzly:profile": "single-host", "courzly:dataVolumeGb": 200}),
    "dev-scaled": ("dev", {"courzly:profile": "scaled"}),
    "dev-with-zone": ("dev", {"courzly:zoneId": "Z0MOCK"}),
    "prod-with-zone": ("prod", {"courzly:zoneId": "Z0MOCK"}),
}


def settings_of(variant: str) -> dict[str, Any]:
    stack, overrides = VARIANTS[variant]
    return {**stack_file(stack), **overrides}


def profile_of(variant: str) -> str:
    return str(settings_of(variant).get("courzly:profile", "single-host"))


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
        # What AWS (or a provider) would fill in, so outputs that depend on them resolve.
        computed = {
            "arn": f"arn:aws:mock:::{args.name}",
            "publicIp": "198.51.100.7",
            "availabilityZone": "eu-west-1a",
            "dnsName": f"{args.name}.elb.example",
            "zoneId": "ZMOCK",
            "latestVersion": 1,
            "endpoint": f"{args.name}.db.example:5432",
            "primaryEndpointAddress": f"{args.name}.cache.example",
            "masterUserSecrets": [{"secretArn": f"arn:aws:mock:::{args.name}-secret"}],
            "result": "mock-random-value",
            "domainValidationOptions": [
                {"resourceRecordName": "_x.example", "resourceRecordType": "CNAME",
                 "resourceRecordValue": "_y.acm.example"}
            ],
            "fqdn": f"{args.name}.example",
            "arnSuffix": f"app/{args.name}/0123",
            "identifier": args.name,
        }  # fmt: skip
        return f"{args.name}-id", {**computed, **args.inputs}

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


@contextlib.contextmanager
def event_loop() -> Iterator[None]:
    """Pulumi's mocks run on the thread's current event loop. An earlier `asyncio.run()`
    in the same test process leaves none (it unsets it): then one is lent for the run."""
    try:
        asyncio.get_event_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            yield
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        return
    yield


def record(variant: str) -> list[Resource]:
    """Run the program for a variant (a stack file, perhaps with settings overridden) and
    return what it declared."""
    recorder = Recorder()
    stack = VARIANTS[variant][0]
    with event_loop():
        pulumi.runtime.set_mocks(recorder, project="courzly", stack=stack, preview=False)
        pulumi.runtime.set_all_config(as_runtime_config(settings_of(variant)))

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
