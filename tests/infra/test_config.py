"""Stack files: every required key, no plaintext secret, and clear refusals of bad values."""

from __future__ import annotations

from typing import Any

import pytest

from infra.config import ConfigError, Profile, parse
from tests.infra.stacks import STACKS, stack_file

SECRET_WORDS = ("password", "secret", "token", "key", "credential")


def _courzly(settings: dict[str, Any]) -> dict[str, Any]:
    return {k.split(":", 1)[1]: v for k, v in settings.items() if k.startswith("courzly:")}


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_is_complete_and_valid(stack: str) -> None:
    settings = stack_file(stack)
    config = parse(_courzly(settings), settings.get("aws:region"))
    assert config.environment == stack
    assert config.profile in (Profile.SINGLE_HOST, Profile.SCALED)
    assert config.ssm_only or config.admin_cidrs
    assert {"project", "environment", "owner", "cost-center"} <= set(config.tags)


# Named like secrets, but public by nature: SSH public keys.
NOT_SECRETS = {"courzly:adminSshKeys"}


def plaintext_secrets(settings: dict[str, Any]) -> list[str]:
    """Keys that name a secret but hold something other than a `secure:` value."""
    return [
        key
        for key, value in settings.items()
        if any(word in key.lower() for word in SECRET_WORDS)
        and key not in NOT_SECRETS
        and not (isinstance(value, dict) and set(value) == {"secure"})
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_secrets_appear_only_as_secure_values(stack: str) -> None:
    assert plaintext_secrets(stack_file(stack)) == []


def test_the_secret_check_finds_a_plaintext_secret() -> None:
    settings = {
        "courzly:redisAuthToken": "hunter2",
        "courzly:dbPassword": {"secure": "v1:abc"},
        "courzly:domain": "example.com",
    }
    assert plaintext_secrets(settings) == ["courzly:redisAuthToken"]


BASE = {
    "environment": "dev",
    "domain": "dev.example.com",
    "adminCidrs": ["203.0.113.0/24"],
    "adminSshKeys": [
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKWHWDybBhfahaREaYXynl04ZR/wDbc3boMXkPjC5MHZ ops"
    ],
    "alarmEmail": "ops@example.com",
    "repositoryUrl": "https://github.com/courzly/courzly.git",
    "repositoryRevision": "0" * 40,
    "tags": {"owner": "ops", "cost-center": "edu"},
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"environment": "qa"}, "courzly:environment must be one of dev, staging, prod"),
        ({"profile": "cluster"}, "courzly:profile must be one of single-host, scaled"),
        ({"adminCidrs": ["0.0.0.0/0"]}, "opens SSH to the whole internet"),
        ({"adminCidrs": ["10.0.0.1/8"]}, "is not a network in CIDR form"),
        ({"adminCidrs": []}, "courzly:adminCidrs is required unless courzly:ssmOnly is true"),
        ({"adminSshKeys": []}, "courzly:adminSshKeys is required unless courzly:ssmOnly is true"),
        ({"adminSshKeys": ["-----BEGIN OPENSSH PRIVATE KEY-----"]}, "is not an SSH public key"),
        ({"alarmEmail": "ops"}, "is not an e-mail address"),
        ({"repositoryRevision": "main"}, "must be a full 40-character commit id"),
        ({"backupRetentionDays": "3"}, "courzly:backupRetentionDays must be a whole number"),
        ({"instanceType": "huge"}, "is not an EC2 instance type"),
        ({"tags": {"owner": "ops"}}, "courzly:tags is missing cost-center"),
        ({"domain": ""}, "courzly:domain is required"),
        ({"environment": "prod"}, "courzly:replicaRegion is required in prod"),
        ({"replicaRegion": "eu-west-1"}, "courzly:replicaRegion must be another AWS region"),
        ({"replicaRegion": "mars"}, "courzly:replicaRegion must be another AWS region"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason.replace(".", r"\.")):
        parse({**BASE, **change}, "eu-west-1")


def test_the_region_is_required_and_ssm_only_needs_no_cidrs() -> None:
    with pytest.raises(ConfigError, match="aws:region is required"):
        parse(BASE, None)
    config = parse({**BASE, "adminCidrs": [], "adminSshKeys": [], "ssmOnly": True}, "eu-west-1")
    assert (config.ssm_only, config.admin_cidrs, config.admin_ssh_keys) == (True, [], [])
