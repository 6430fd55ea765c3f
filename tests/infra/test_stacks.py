"""Every stack file run through the program under Pulumi's mocks, and the invariants of
what it declares: ports, encryption, tags, lifecycle, IAM scope, IMDSv2, the separate data
volume, and protections that belong to prod only."""

from __future__ import annotations

import json
import runpy
from functools import cache
from typing import Any

import pulumi
import pytest

from app.migrate import ROOT
from infra.cloud_init import DATA_DEVICE
from tests.infra.stacks import (
    STACKS,
    Recorder,
    Resource,
    as_runtime_config,
    of_type,
    record,
    stack_file,
)


@cache
def declared(stack: str) -> tuple[Resource, ...]:
    return tuple(record(stack))


def one(resources: tuple[Resource, ...], suffix: str) -> dict[str, Any]:
    [found] = of_type(list(resources), suffix)
    return found.inputs


def ingress_ports(group: dict[str, Any]) -> dict[int, list[str]]:
    return {
        rule["fromPort"]: [*rule.get("cidrBlocks", []), *rule.get("ipv6CidrBlocks", [])]
        for rule in group["ingress"]
    }


@pytest.mark.parametrize("stack", STACKS)
def test_web_is_open_ssh_only_to_admins_and_egress_is_narrow(stack: str) -> None:
    group = one(declared(stack), "ec2/securityGroup:SecurityGroup")
    ports = ingress_ports(group)
    assert ports[80] == ports[443] == ["0.0.0.0/0", "::/0"]
    admins = stack_file(stack)["courzly:adminCidrs"]
    if stack_file(stack).get("courzly:ssmOnly"):
        assert 22 not in ports
    else:
        assert ports[22] == admins
    assert set(ports) <= {22, 80, 443}
    assert {(r["protocol"], r["fromPort"]) for r in group["egress"]} == {
        ("tcp", 443), ("tcp", 80), ("tcp", 587), ("udp", 123)
    }  # fmt: skip


@pytest.mark.parametrize("stack", STACKS)
def test_the_host_requires_imdsv2_and_keeps_its_data_on_a_separate_encrypted_volume(
    stack: str,
) -> None:
    resources = declared(stack)
    instance = one(resources, "ec2/instance:Instance")
    assert instance["metadataOptions"]["httpTokens"] == "required"
    assert instance["rootBlockDevice"] == {
        "deleteOnTermination": True,
        "encrypted": True,
        "volumeSize": int(stack_file(stack).get("courzly:rootVolumeGb", 20)),
        "volumeType": "gp3",
    }
    data = one(resources, "ebs/volume:Volume")
    assert (data["encrypted"], data["type"]) == (True, "gp3")
    assert data["size"] == int(stack_file(stack)["courzly:dataVolumeGb"])
    attachment = one(resources, "ec2/volumeAttachment:VolumeAttachment")
    assert attachment["deviceName"] == DATA_DEVICE
    assert instance["instanceType"] == stack_file(stack)["courzly:instanceType"]
    assert "ansible-playbook" in instance["userData"]
    assert stack_file(stack)["courzly:repositoryRevision"] in instance["userData"]
    [image] = [r for r in resources if r.type == "aws:ec2/instance:Instance"]
    assert image.inputs["ami"] == "ami-0debian12"  # looked up, not hard-coded


@pytest.mark.parametrize("stack", STACKS)
def test_protections_that_belong_to_prod_are_there_in_prod_only(stack: str) -> None:
    resources = declared(stack)
    prod = stack == "prod"
    assert one(resources, "ec2/instance:Instance").get("disableApiTermination", False) is prod
    assert (
        bool(
            of_type(
                list(resources), "s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
            )
        )
        is prod
    )


@pytest.mark.parametrize("stack", STACKS)
def test_backups_are_versioned_kms_encrypted_tls_only_and_expire_with_the_retention(
    stack: str,
) -> None:
    resources = declared(stack)
    retention = int(stack_file(stack)["courzly:backupRetentionDays"])
    assert one(resources, "kms/key:Key")["enableKeyRotation"] is True
    assert one(resources, "s3/bucketVersioning:BucketVersioning")["versioningConfiguration"] == {
        "status": "Enabled"
    }
    [rule] = one(resources, "s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    assert rule["expiration"]["days"] == retention
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == retention
    # Archived after 30 days, unless they expire by then (S3 refuses that combination).
    archive = [{"days": 30, "storageClass": "GLACIER_IR"}] if retention > 30 else []
    assert rule["transitions"] == archive
    policy = json.loads(one(resources, "s3/bucketPolicy:BucketPolicy")["policy"])
    sids = {s["Sid"]: s for s in policy["Statement"]}
    assert sids["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sids["DenyOtherEncryption"]["Effect"] == "Deny"


@pytest.mark.parametrize("stack", STACKS)
def test_the_host_role_reaches_only_its_bucket_prefix_and_key(stack: str) -> None:
    resources = declared(stack)
    policy = json.loads(one(resources, "iam/rolePolicy:RolePolicy")["policy"])
    resources_named = [r for s in policy["Statement"] for r in [s["Resource"]]]
    bucket = "arn:aws:mock:::courzly-" + stack + "-backups-bucket"
    key = "arn:aws:mock:::courzly-" + stack + "-backups-key"
    assert resources_named == [bucket, f"{bucket}/courzly/*", key]
    assert all("*" not in a for s in policy["Statement"] for a in s["Action"])
    attached = {
        r.inputs["policyArn"]
        for r in of_type(list(resources), "rolePolicyAttachment:RolePolicyAttachment")
    }
    assert attached == {
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
        "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_resource_carries_the_stack_tags(stack: str) -> None:
    tagged = [r for r in declared(stack) if "tags" in r.inputs]
    assert len(tagged) > 20
    for resource in tagged:
        tags = resource.inputs["tags"]
        assert tags["environment"] == stack, resource.name
        assert {"project", "owner", "cost-center"} <= set(tags), resource.name


@pytest.mark.parametrize("stack", STACKS)
def test_two_zones_public_and_private_and_no_nat_on_a_single_host(stack: str) -> None:
    resources = list(declared(stack))
    subnets = of_type(resources, "ec2/subnet:Subnet")
    assert (
        sorted(s.inputs["availabilityZone"] for s in subnets)
        == ["eu-west-1a"] * 2 + ["eu-west-1b"] * 2
    )
    assert not of_type(resources, "ec2/natGateway:NatGateway")
    assert one(declared(stack), "ec2/vpc:Vpc")["enableDnsHostnames"] is True


@pytest.mark.parametrize("stack", STACKS)
def test_alarms_go_to_the_operators_and_the_host_recovers_itself(stack: str) -> None:
    resources = list(declared(stack))
    assert (
        one(declared(stack), "sns/topicSubscription:TopicSubscription")["endpoint"]
        == (stack_file(stack)["courzly:alarmEmail"])
    )
    alarms = {
        r.name.rsplit("-", 1)[1]: r.inputs for r in of_type(resources, "metricAlarm:MetricAlarm")
    }
    assert set(alarms) == {"recover", "status", "cpu", "disk"}
    assert alarms["recover"]["alarmActions"][0] == "arn:aws:automate:eu-west-1:ec2:recover"
    assert one(declared(stack), "dlm/lifecyclePolicy:LifecyclePolicy")["state"] == "ENABLED"


def test_the_entry_point_pulumi_runs_declares_the_same_stack() -> None:
    """`infra/__main__.py` itself, as `pulumi up` runs it (a script, not a module)."""
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="courzly", stack="dev", preview=False)
    pulumi.runtime.set_all_config(as_runtime_config(stack_file("dev")))

    @pulumi.runtime.test
    def run() -> None:
        runpy.run_path(str(ROOT / "infra" / "__main__.py"), run_name="__main__")

    run()
    assert sorted((r.type, r.name) for r in recorder.resources) == sorted(
        (r.type, r.name) for r in declared("dev")
    )
