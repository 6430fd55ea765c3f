"""The mandatory policies: each rule with a resource that passes and one that breaks it,
every stack free of violations, and a setting broken on purpose reported by its rule."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace
from typing import Any

import pytest

from infra.policy.pack import policies
from infra.policy.rules import RESOURCE_RULES, STACK_RULES, Declared, violations
from tests.infra.stacks import VARIANTS, record

TAGS = {"project": "courzly", "environment": "dev", "owner": "ops", "cost-center": "edu"}
PROD = {**TAGS, "environment": "prod"}
ALLOW_ALL = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
SCOPED = json.dumps(
    {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
)
INSTANCE = "aws:ec2/instance:Instance"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
RDS = "aws:rds/instance:Instance"
GOOD_RDS = {"storageEncrypted": True, "backupRetentionPeriod": 30, "deletionProtection": True}


def rule(protocol: str, ports: tuple[int, int], **sources: list[str]) -> dict[str, Any]:
    """A security group with one ingress rule; `sources`: cidrBlocks or ipv6CidrBlocks."""
    return {
        "ingress": [{"protocol": protocol, "fromPort": ports[0], "toPort": ports[1], **sources}]
    }


REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS"}}
ENABLED = {"versioningConfiguration": {"status": "Enabled"}}
SUSPENDED = {"versioningConfiguration": {"status": "Suspended"}}

# rule -> (type, props that pass, props that break it)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "ebs-encrypted": ("aws:ebs/volume:Volume", {"encrypted": True}, {"encrypted": False}),
    "imdsv2-required": (
        INSTANCE,
        {"metadataOptions": {"httpTokens": "required"}},
        {"metadataOptions": {"httpTokens": "optional"}},
    ),
    "no-world-ssh": (
        GROUP,
        rule("tcp", (22, 22), cidrBlocks=["203.0.113.0/24"]),
        rule("tcp", (22, 22), ipv6CidrBlocks=["::/0"]),
    ),
    "no-all-ports-ingress": (
        GROUP,
        rule("tcp", (443, 443), cidrBlocks=["0.0.0.0/0"]),
        rule("-1", (0, 0), cidrBlocks=["10.0.0.0/8"]),
    ),
    "required-tags": ("aws:s3/bucket:Bucket", {"tags": TAGS}, {"tags": {"project": "courzly"}}),
    "no-wildcard-iam": (
        "aws:iam/rolePolicy:RolePolicy", {"policy": SCOPED}, {"policy": ALLOW_ALL}
    ),
    "rds-encrypted-backed-up-protected": (
        RDS, {**GOOD_RDS, "tags": PROD}, {**GOOD_RDS, "deletionProtection": False, "tags": PROD}
    ),
    "no-public-rds": (RDS, {"publiclyAccessible": False}, {"publiclyAccessible": True}),
    "elasticache-encrypted": (
        "aws:elasticache/replicationGroup:ReplicationGroup",
        {"atRestEncryptionEnabled": True, "transitEncryptionEnabled": True},
        {"atRestEncryptionEnabled": True, "transitEncryptionEnabled": False},
    ),
    "alb-https-only": (
        "aws:lb/listener:Listener",
        {"protocol": "HTTP", "defaultActions": [REDIRECT]},
        {"protocol": "HTTP", "defaultActions": [{"type": "forward"}]},
    ),
    "termination-protection-in-prod": (
        INSTANCE,
        {"disableApiTermination": True, "tags": PROD},
        {"disableApiTermination": False, "tags": PROD},
    ),
}  # fmt: skip


def test_there_are_at_least_15_mandatory_rules_and_every_one_is_in_the_pack() -> None:
    names = {p.name for p in policies()}
    assert names == set(RESOURCE_RULES) | set(STACK_RULES)
    assert len(names) >= 15
    assert set(CASES) == set(RESOURCE_RULES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_resource_rule_passes_a_good_resource_and_reports_a_bad_one(name: str) -> None:
    type_, good, bad = CASES[name]
    check = RESOURCE_RULES[name]
    assert check(type_, good) == []
    assert check(type_, bad), f"{name} missed {bad}"


def _bucket_stack(**settings: dict[str, Any] | None) -> list[Declared]:
    """A bucket and the resources that secure it; a setting given as None is left out."""
    parts = {
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
            "blockPublicAcls": True, "blockPublicPolicy": True,
            "ignorePublicAcls": True, "restrictPublicBuckets": True,
        },
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]
        },
        "aws:s3/bucketVersioning:BucketVersioning": ENABLED,
        "aws:s3/bucketPolicy:BucketPolicy": {"policy": json.dumps({"Statement": [{
            "Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }]})},
    }  # fmt: skip
    declared = [Declared("aws:s3/bucket:Bucket", "b", {"tags": TAGS})]
    for type_, props in parts.items():
        short = type_.rsplit(":", 1)[1]
        props = settings.get(short, props)
        if props is not None:
            declared.append(Declared(type_, f"b-{short}", {"bucket": "b-id", **props}))
    return declared


@pytest.mark.parametrize(
    ("name", "broken"),
    [
        ("s3-public-access-blocked", {"BucketPublicAccessBlock": None}),
        ("s3-encrypted", {"BucketServerSideEncryptionConfiguration": {"rules": [
            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}}),
        ("s3-versioned", {"BucketVersioning": SUSPENDED}),
        ("s3-tls-only", {"BucketPolicy": {"policy": json.dumps({"Statement": []})}}),
    ],
)  # fmt: skip
def test_each_stack_rule_passes_a_secured_bucket_and_reports_a_gap(
    name: str, broken: dict[str, Any]
) -> None:
    assert STACK_RULES[name](_bucket_stack()) == []
    assert STACK_RULES[name](_bucket_stack(**broken)) == ["bucket b " + {
        "s3-public-access-blocked": "must block all public access",
        "s3-encrypted": "must be encrypted with a KMS key",
        "s3-versioned": "must be versioned",
        "s3-tls-only": "must deny requests without TLS",
    }[name]]  # fmt: skip


def _declared(variant: str) -> list[Declared]:
    return [Declared(r.type, r.name, r.inputs) for r in record(variant)]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_stack_passes_every_policy(variant: str) -> None:
    assert violations(_declared(variant)) == {}


def test_a_setting_broken_on_purpose_is_reported_by_its_policy() -> None:
    resources = _declared("prod-single-host")
    broken = []
    for resource in resources:
        if resource.type == INSTANCE:
            props = {**resource.props, "metadataOptions": {"httpTokens": "optional"},
                     "disableApiTermination": False}  # fmt: skip
            resource = dataclasses.replace(resource, props=props)
        if resource.type.endswith("BucketPublicAccessBlock"):
            continue  # the bucket loses its public access block
        broken.append(resource)
    found = violations(broken)
    assert set(found) == {
        "imdsv2-required", "termination-protection-in-prod", "s3-public-access-blocked"
    }  # fmt: skip


def test_the_pack_reports_through_pulumi_policy() -> None:
    by_name = {p.name: p for p in policies()}
    reported: list[str] = []
    bad = SimpleNamespace(resource_type=INSTANCE, props={"metadataOptions": {}}, name="i")
    by_name["imdsv2-required"].validate(bad, lambda message, urn: reported.append(message))
    stack = SimpleNamespace(
        resources=[SimpleNamespace(resource_type=r.type, name=r.name, props=r.props)
                   for r in _bucket_stack(BucketVersioning=None)]
    )  # fmt: skip
    by_name["s3-versioned"].validate(stack, lambda message, urn: reported.append(message))
    assert reported == [
        "instance metadata must require IMDSv2 tokens (httpTokens: required)",
        "bucket b must be versioned",
    ]
