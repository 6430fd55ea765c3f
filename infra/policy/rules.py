"""Each rule returns the violations it finds, as sentences an operator can act on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Props = Mapping[str, Any]
WORLD = ("0.0.0.0/0", "::/0")
REQUIRED_TAGS = ("project", "environment", "owner", "cost-center")
# The types this project declares that take tags: each must carry the required ones.
TAGGED_TYPES = (
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/instance:Instance", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway",
    "aws:ebs/volume:Volume", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:iam/role:Role",
    "aws:iam/instanceProfile:InstanceProfile", "aws:sns/topic:Topic",
    "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:lb/loadBalancer:LoadBalancer",
)  # fmt: skip


@dataclass(frozen=True)
class Declared:
    """One resource of a stack: its type, its name and its inputs."""

    type: str
    name: str
    props: Props


def _prod(props: Props) -> bool:
    return (props.get("tags") or {}).get("environment") == "prod"


# --- Rules on one resource --------------------------------------------------------------


def ebs_encrypted(type_: str, props: Props) -> list[str]:
    if type_ == "aws:ec2/instance:Instance":
        root = props.get("rootBlockDevice") or {}
        if not root.get("encrypted"):
            return ["the instance's root volume must be encrypted"]
    if type_ == "aws:ebs/volume:Volume" and not props.get("encrypted"):
        return ["EBS volumes must be encrypted"]
    return []


def imdsv2_required(type_: str, props: Props) -> list[str]:
    instances = ("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate")
    tokens = (props.get("metadataOptions") or {}).get("httpTokens")
    if type_ in instances and tokens != "required":
        return ["instance metadata must require IMDSv2 tokens (httpTokens: required)"]
    return []


def _ingress(props: Props) -> Iterable[Props]:
    return props.get("ingress") or []


def _opens(rule: Props, port: int) -> bool:
    if str(rule.get("protocol")) in ("-1", "all"):
        return True
    return int(rule.get("fromPort", 0)) <= port <= int(rule.get("toPort", 0))


def no_world_ssh(type_: str, props: Props) -> list[str]:
    if type_ != "aws:ec2/securityGroup:SecurityGroup":
        return []
    for rule in _ingress(props):
        sources = [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])]
        if _opens(rule, 22) and any(s in WORLD for s in sources):
            return ["SSH (22) must not be open to the whole internet"]
    return []


def no_all_ports_ingress(type_: str, props: Props) -> list[str]:
    if type_ != "aws:ec2/securityGroup:SecurityGroup":
        return []
    for rule in _ingress(props):
        wide = int(rule.get("fromPort", 0)) == 0 and int(rule.get("toPort", 0)) >= 65535
        if str(rule.get("protocol")) in ("-1", "all") or wide:
            return ["security groups must not allow every port in"]
    return []


def required_tags(type_: str, props: Props) -> list[str]:
    if type_ not in TAGGED_TYPES:
        return []
    tags = props.get("tags") or {}
    missing = [t for t in REQUIRED_TAGS if not tags.get(t)]
    return [f"missing tags: {', '.join(missing)}"] if missing else []


def _statements(document: Any) -> list[Props]:
    parsed = json.loads(document) if isinstance(document, str) else document or {}
    found = parsed.get("Statement") or []
    return found if isinstance(found, list) else [found]


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value] if value is not None else []


def no_wildcard_iam(type_: str, props: Props) -> list[str]:
    if type_ == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        if str(props.get("policyArn", "")).endswith(("/AdministratorAccess", "/PowerUserAccess")):
            return ["no administrator policies on roles"]
        return []
    if type_ not in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"):
        return []
    for statement in _statements(props.get("policy")):
        if statement.get("Effect") != "Allow":
            continue
        actions, resources = _as_list(statement.get("Action")), _as_list(statement.get("Resource"))
        if any(a == "*" or a.endswith(":*") for a in actions) and "*" in resources:
            return ["IAM policies must not allow wildcard actions on every resource"]
        if "*" in actions:
            return ["IAM policies must not allow every action"]
    return []


def rds_protected(type_: str, props: Props) -> list[str]:
    if type_ != "aws:rds/instance:Instance":
        return []
    found = []
    if not props.get("storageEncrypted"):
        found.append("RDS storage must be encrypted")
    if int(props.get("backupRetentionPeriod") or 0) < 7:
        found.append("RDS must keep automated backups for at least 7 days")
    if _prod(props) and not props.get("deletionProtection"):
        found.append("RDS in prod must have deletion protection")
    return found


def no_public_rds(type_: str, props: Props) -> list[str]:
    if type_ == "aws:rds/instance:Instance" and props.get("publiclyAccessible"):
        return ["RDS must not be publicly accessible"]
    return []


def elasticache_encrypted(type_: str, props: Props) -> list[str]:
    if type_ != "aws:elasticache/replicationGroup:ReplicationGroup":
        return []
    if not (props.get("atRestEncryptionEnabled") and props.get("transitEncryptionEnabled")):
        return ["ElastiCache must encrypt at rest and in transit"]
    return []


def alb_https_only(type_: str, props: Props) -> list[str]:
    if type_ != "aws:lb/listener:Listener" or props.get("protocol") != "HTTP":
        return []
    actions = props.get("defaultActions") or []
    redirects = [a for a in actions if a.get("type") == "redirect"]
    if not redirects or any(
        (a.get("redirect") or {}).get("protocol") != "HTTPS" for a in redirects
    ):
        return ["an HTTP listener may only redirect to HTTPS"]
    return []


def termination_protection_in_prod(type_: str, props: Props) -> list[str]:
    protected = props.get("disableApiTermination")
    if type_ == "aws:ec2/instance:Instance" and _prod(props) and not protected:
        return ["prod instances must have termination protection"]
    return []


RESOURCE_RULES: dict[str, Callable[[str, Props], list[str]]] = {
    "ebs-encrypted": ebs_encrypted,
    "imdsv2-required": imdsv2_required,
    "no-world-ssh": no_world_ssh,
    "no-all-ports-ingress": no_all_ports_ingress,
    "required-tags": required_tags,
    "no-wildcard-iam": no_wildcard_iam,
    "rds-encrypted-backed-up-protected": rds_protected,
    "no-public-rds": no_public_rds,
    "elasticache-encrypted": elasticache_encrypted,
    "alb-https-only": alb_https_only,
    "termination-protection-in-prod": termination_protection_in_prod,
}


# --- Rules on a whole stack (a bucket and the resources that configure it) -------------


def _buckets(resources: list[Declared]) -> list[Declared]:
    return [r for r in resources if r.type == "aws:s3/bucket:Bucket"]


def _for_bucket(resources: list[Declared], type_: str, bucket: Declared) -> list[Declared]:
    """Settings resources name their bucket by id; the mocks' ids are `<name>-id`."""
    ids = {bucket.name, f"{bucket.name}-id", bucket.props.get("bucket")}
    return [r for r in resources if r.type == type_ and r.props.get("bucket") in ids]


def _each_bucket(
    resources: list[Declared],
    settings_type: str,
    secured: Callable[[list[Props]], bool],
    problem: str,
) -> list[str]:
    """`problem` for every bucket whose settings resources of `settings_type` fall short."""
    return [
        f"bucket {bucket.name} {problem}"
        for bucket in _buckets(resources)
        if not secured([r.props for r in _for_bucket(resources, settings_type, bucket)])
    ]


def s3_public_access_blocked(resources: list[Declared]) -> list[str]:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    return _each_bucket(
        resources,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        lambda blocks: any(all(b.get(f) for f in flags) for b in blocks),
        "must block all public access",
    )


def s3_encrypted(resources: list[Declared]) -> list[str]:
    def by_kms(configs: list[Props]) -> bool:
        defaults = [r.get("applyServerSideEncryptionByDefault") or {} for c in configs
                    for r in c.get("rules") or []]  # fmt: skip
        return any(d.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse") for d in defaults)

    kind = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    return _each_bucket(resources, kind, by_kms, "must be encrypted with a KMS key")


def s3_versioned(resources: list[Declared]) -> list[str]:
    return _each_bucket(
        resources,
        "aws:s3/bucketVersioning:BucketVersioning",
        lambda found: any(
            (v.get("versioningConfiguration") or {}).get("status") == "Enabled" for v in found
        ),
        "must be versioned",
    )


def s3_tls_only(resources: list[Declared]) -> list[str]:
    def denies_plain_http(policies: list[Props]) -> bool:
        return any(
            s.get("Effect") == "Deny"
            and (s.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for p in policies
            for s in _statements(p.get("policy"))
        )

    return _each_bucket(
        resources,
        "aws:s3/bucketPolicy:BucketPolicy",
        denies_plain_http,
        "must deny requests without TLS",
    )


STACK_RULES: dict[str, Callable[[list[Declared]], list[str]]] = {
    "s3-public-access-blocked": s3_public_access_blocked,
    "s3-encrypted": s3_encrypted,
    "s3-versioned": s3_versioned,
    "s3-tls-only": s3_tls_only,
}


def violations(resources: list[Declared]) -> dict[str, list[str]]:
    """Every rule over every resource of a stack: `{rule: [violation, ...]}`, empty if none."""
    found: dict[str, list[str]] = {}
    for name, rule in RESOURCE_RULES.items():
        for resource in resources:
            for problem in rule(resource.type, resource.props):
                found.setdefault(name, []).append(f"{resource.name}: {problem}")
    for name, stack_rule in STACK_RULES.items():
        problems = stack_rule(resources)
        if problems:
            found.setdefault(name, []).extend(problems)
    return found
