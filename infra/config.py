"""The stack's configuration, typed and checked before any resource is declared.

Read from the stack file (`Pulumi.<stack>.yaml`) under the `courzly:` namespace, plus
`aws:region`. A bad value stops `pulumi up` with a message naming the key, not a stack
trace halfway through a deployment.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi

PROFILES = ("single-host", "scaled")
ENVIRONMENTS = ("dev", "staging", "prod")
REQUIRED_TAGS = ("project", "environment", "owner", "cost-center")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SSH_KEY = re.compile(
    r"^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/=]{40,}( \S.*)?$"
)
_REVISION = re.compile(r"^[0-9a-f]{40}$")  # a commit: a branch name would move under us
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9]+$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


class Profile(StrEnum):
    SINGLE_HOST = "single-host"
    SCALED = "scaled"


class ConfigError(ValueError):
    """A stack setting that cannot be used, with the key and the reason."""


@dataclass(frozen=True)
class StackConfig:
    environment: str
    region: str
    profile: Profile
    instance_type: str
    root_volume_gb: int
    data_volume_gb: int
    domain: str
    zone_id: str | None
    admin_cidrs: list[str]
    ssm_only: bool  # no SSH at all: operators use Session Manager
    admin_ssh_keys: list[str]  # the admin account's public keys (Ansible's base role)
    alarm_email: str
    backup_retention_days: int
    repository_url: str
    repository_revision: str
    tags: dict[str, str] = field(default_factory=dict)
    replica_region: str | None = None  # prod backups copied to this region too

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def scaled(self) -> bool:
        return self.profile is Profile.SCALED

    def name(self, part: str) -> str:
        """A resource name for this stack: `courzly-prod-backups`."""
        return f"courzly-{self.environment}-{part}"


def _cidr(key: str, value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ConfigError(f"courzly:{key}: {value!r} is not a network in CIDR form") from exc
    if network.prefixlen == 0:
        raise ConfigError(f"courzly:{key}: {value} opens SSH to the whole internet")
    return str(network)


def parse(values: dict[str, Any], region: str | None) -> StackConfig:
    """The checked configuration; `values` are the `courzly:` settings without the prefix."""

    def need(key: str) -> Any:
        if values.get(key) in (None, ""):
            raise ConfigError(f"courzly:{key} is required")
        return values[key]

    def number(key: str, default: int, low: int, high: int) -> int:
        raw = values.get(key, default)
        if isinstance(raw, bool) or not str(raw).isdigit() or not low <= int(raw) <= high:
            raise ConfigError(f"courzly:{key} must be a whole number from {low} to {high}")
        return int(raw)

    environment = str(need("environment"))
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"courzly:environment must be one of {', '.join(ENVIRONMENTS)}")
    if not region:
        raise ConfigError("aws:region is required")
    profile = str(values.get("profile", Profile.SINGLE_HOST))
    if profile not in PROFILES:
        raise ConfigError(f"courzly:profile must be one of {', '.join(PROFILES)}")
    instance_type = str(values.get("instanceType", "t3.medium"))
    if not _INSTANCE_TYPE.match(instance_type):
        raise ConfigError(f"courzly:instanceType {instance_type!r} is not an EC2 instance type")
    ssm_only = bool(values.get("ssmOnly", False))
    cidrs = [_cidr("adminCidrs", str(c)) for c in values.get("adminCidrs") or []]
    if not ssm_only and not cidrs:
        raise ConfigError("courzly:adminCidrs is required unless courzly:ssmOnly is true")
    keys = [str(k).strip() for k in values.get("adminSshKeys") or []]
    bad = [k[:24] for k in keys if not _SSH_KEY.match(k)]
    if bad:
        raise ConfigError(
            f"courzly:adminSshKeys holds something that is not an SSH public key: {bad[0]}..."
        )
    if not ssm_only and not keys:
        raise ConfigError("courzly:adminSshKeys is required unless courzly:ssmOnly is true")
    email = str(need("alarmEmail"))
    if not _EMAIL.match(email):
        raise ConfigError(f"courzly:alarmEmail {email!r} is not an e-mail address")
    revision = str(need("repositoryRevision"))
    if not _REVISION.match(revision):
        raise ConfigError("courzly:repositoryRevision must be a full 40-character commit id")
    replica = values.get("replicaRegion") or None
    if replica is not None and (not _REGION.match(str(replica)) or replica == region):
        raise ConfigError("courzly:replicaRegion must be another AWS region, like eu-central-1")
    if environment == "prod" and replica is None:
        raise ConfigError("courzly:replicaRegion is required in prod: backups leave the region")
    tags = {str(k): str(v) for k, v in (values.get("tags") or {}).items()}
    tags.setdefault("project", "courzly")
    tags["environment"] = environment
    missing = [t for t in REQUIRED_TAGS if not tags.get(t)]
    if missing:
        raise ConfigError(f"courzly:tags is missing {', '.join(missing)}")
    return StackConfig(
        environment=environment,
        region=region,
        profile=Profile(profile),
        instance_type=instance_type,
        root_volume_gb=number("rootVolumeGb", 20, 8, 200),
        data_volume_gb=number("dataVolumeGb", 50, 10, 4000),
        domain=str(need("domain")),
        zone_id=values.get("zoneId") or None,
        admin_cidrs=cidrs,
        ssm_only=ssm_only,
        admin_ssh_keys=keys,
        alarm_email=email,
        backup_retention_days=number("backupRetentionDays", 30, 7, 3650),
        repository_url=str(need("repositoryUrl")),
        repository_revision=revision,
        tags=tags,
        replica_region=replica,
    )


KEYS = (
    "environment", "profile", "instanceType", "rootVolumeGb", "dataVolumeGb", "domain",
    "zoneId", "adminCidrs", "adminSshKeys", "ssmOnly", "alarmEmail", "backupRetentionDays",
    "repositoryUrl", "repositoryRevision", "tags", "replicaRegion",
)  # fmt: skip


def load() -> StackConfig:
    """The current stack's configuration (inside `pulumi up` or the mocks)."""
    config = pulumi.Config("courzly")
    values: dict[str, Any] = {}
    for key in KEYS:
        raw: Any
        if key in ("adminCidrs", "adminSshKeys", "tags"):
            raw = config.get_object(key)  # lists and maps arrive as JSON
        elif key == "ssmOnly":
            raw = config.get_bool(key)
        else:
            raw = config.get(key)
        if raw is not None:
            values[key] = raw
    return parse(values, pulumi.Config("aws").get("region"))
