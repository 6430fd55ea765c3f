"""The whole stack, declared from its configuration. `__main__.py` calls this under
`pulumi up`; the tests call it under Pulumi's mocks, so both run exactly the same code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from infra import cloud_init
from infra.components.alerts import Alarms, Alerts, AlertsArgs, host_metrics, scaled_metrics
from infra.components.app_fleet import AppFleet, AppFleetArgs
from infra.components.backup_replica import BackupReplica, BackupReplicaArgs
from infra.components.backup_storage import BackupStorage, BackupStorageArgs
from infra.components.cache import Cache, CacheArgs
from infra.components.database import Database, DatabaseArgs
from infra.components.host import Host, HostArgs
from infra.components.host_role import BACKUP_PREFIX, HostRole, HostRoleArgs
from infra.components.load_balancer import LoadBalancer, LoadBalancerArgs
from infra.components.network import Network, NetworkArgs
from infra.components.scaled_security import ScaledSecurity, ScaledSecurityArgs
from infra.components.secure_bucket import SecureBucket, SecureBucketArgs
from infra.components.security import HostSecurity, HostSecurityArgs
from infra.config import StackConfig

VPC_CIDR = "10.20.0.0/16"


@dataclass(frozen=True)
class Shared:
    """What both profiles build on."""

    network: Network
    alerts: Alerts
    backups: BackupStorage


def declare(config: StackConfig) -> None:
    tags = config.tags
    zones = aws.get_availability_zones(state="available").names
    shared = Shared(
        network=Network(
            config.name("net"),
            NetworkArgs(availability_zones=zones, tags=tags, cidr=VPC_CIDR, nat=config.scaled),
        ),
        alerts=Alerts(config.name("alerts"), AlertsArgs(email=config.alarm_email, tags=tags)),
        backups=BackupStorage(
            config.name("backups"),
            BackupStorageArgs(
                retention_days=config.backup_retention_days, tags=tags, object_lock=config.is_prod
            ),
        ),
    )
    if config.scaled:
        _scaled(config, shared)
    else:
        _single_host(config, shared)
    backups = shared.backups
    if config.replica_region:
        replica = BackupReplica(
            config.name("backups-replica"),
            BackupReplicaArgs(
                source_bucket_id=backups.bucket.id,
                source_bucket_arn=backups.bucket.arn,
                source_key_arn=backups.key.arn,
                source_versioning=backups.versioning,
                region=config.replica_region,
                retention_days=config.backup_retention_days,
                tags=tags,
            ),
        )
        pulumi.export("backup_replica_bucket", replica.bucket.id)
    pulumi.export("url", f"https://{config.domain}")
    pulumi.export("backup_bucket", backups.bucket.id)
    pulumi.export("backup_prefix", BACKUP_PREFIX)
    pulumi.export("backup_key_arn", backups.key.arn)
    pulumi.export("alarm_topic_arn", shared.alerts.topic.arn)
    pulumi.export("region", config.region)
    pulumi.export("environment", config.environment)
    pulumi.export("profile", str(config.profile))
    # For the Ansible inventory: who may reach SSH, with which keys (or nobody: ssmOnly).
    pulumi.export("admin_cidrs", config.admin_cidrs)
    pulumi.export("admin_ssh_keys", config.admin_ssh_keys)
    pulumi.export("ssm_only", config.ssm_only)


def _dns_record(config: StackConfig, **target: Any) -> None:
    """The domain's A record, when its Route53 zone is ours to manage."""
    if config.zone_id:
        aws.route53.Record(
            config.name("dns"), zone_id=config.zone_id, name=config.domain, type="A", **target
        )


def _user_data(config: StackConfig) -> str:
    # The same courzly_* settings the Ansible inventory reads from the stack's outputs.
    variables = {
        "courzly_environment": config.environment,
        "courzly_public_url": f"https://{config.domain}",
        "courzly_admin_cidrs": config.admin_cidrs,
        "courzly_admin_ssh_keys": config.admin_ssh_keys,
        "courzly_ssm_only": config.ssm_only,
    }
    return cloud_init.user_data(config.repository_url, config.repository_revision, variables)


def _single_host(config: StackConfig, shared: Shared) -> None:
    tags, network = config.tags, shared.network
    role = HostRole(
        config.name("host"),
        HostRoleArgs(
            bucket_arn=shared.backups.bucket.arn, key_arn=shared.backups.key.arn, tags=tags
        ),
    )
    security = HostSecurity(
        config.name("host"),
        HostSecurityArgs(
            vpc_id=network.vpc.id,
            admin_cidrs=config.admin_cidrs,
            ssm_only=config.ssm_only,
            tags=tags,
        ),
    )
    subnet = network.public_subnets[0]
    host = Host(
        config.name("host"),
        HostArgs(
            subnet_id=subnet.id,
            availability_zone=subnet.availability_zone,
            security_group_id=security.group.id,
            instance_profile=role.profile.name,
            instance_type=config.instance_type,
            root_volume_gb=config.root_volume_gb,
            data_volume_gb=config.data_volume_gb,
            user_data=_user_data(config),
            termination_protection=config.is_prod,
            alarm_topic_arn=shared.alerts.topic.arn,
            region=config.region,
            tags=tags,
        ),
    )
    Alarms(config.name("host"), shared.alerts.topic.arn, host_metrics(host.instance.id), tags)
    _dns_record(config, ttl=300, records=[host.address.public_ip])
    pulumi.export("public_ip", host.address.public_ip)
    pulumi.export("instance_id", host.instance.id)


def _scaled(config: StackConfig, shared: Shared) -> None:
    tags, network = config.tags, shared.network
    private = [s.id for s in network.private_subnets]
    security = ScaledSecurity(
        config.name("tier"),
        ScaledSecurityArgs(
            vpc_id=network.vpc.id,
            vpc_cidr=VPC_CIDR,
            admin_cidrs=config.admin_cidrs,
            ssm_only=config.ssm_only,
            tags=tags,
        ),
    )
    media = SecureBucket(config.name("media"), SecureBucketArgs(purpose="media", tags=tags))
    role = HostRole(
        config.name("app"),
        HostRoleArgs(
            bucket_arn=shared.backups.bucket.arn,
            key_arn=shared.backups.key.arn,
            media_bucket_arn=media.bucket.arn,
            media_key_arn=media.key.arn,
            tags=tags,
        ),
    )
    balancer = LoadBalancer(
        config.name("edge"),
        LoadBalancerArgs(
            vpc_id=network.vpc.id,
            subnet_ids=[s.id for s in network.public_subnets],
            security_group_id=security.balancer.id,
            domain=config.domain,
            zone_id=config.zone_id,
            is_prod=config.is_prod,
            tags=tags,
        ),
    )
    AppFleet(
        config.name("app"),
        AppFleetArgs(
            subnet_ids=private,
            security_group_id=security.app.id,
            instance_profile=role.profile.name,
            target_group_arn=balancer.targets.arn,
            instance_type=config.instance_type,
            root_volume_gb=config.root_volume_gb,
            user_data=_user_data(config),
            tags=tags,
        ),
    )
    database = Database(
        config.name("db"),
        DatabaseArgs(
            subnet_ids=private,
            security_group_id=security.database.id,
            is_prod=config.is_prod,
            tags=tags,  # 30 days of automated backups and point-in-time recovery
        ),
    )
    cache = Cache(
        config.name("cache"),
        CacheArgs(subnet_ids=private, security_group_id=security.cache.id, tags=tags),
    )
    metrics = scaled_metrics(
        balancer.alb.arn_suffix,
        balancer.targets.arn_suffix,
        database.instance.identifier,
        cache.group.id,
    )
    Alarms(config.name("scaled"), shared.alerts.topic.arn, metrics, tags)
    alias = {
        "name": balancer.alb.dns_name,
        "zone_id": balancer.alb.zone_id,
        "evaluate_target_health": True,
    }
    _dns_record(config, aliases=[alias])
    pulumi.export("load_balancer", balancer.alb.dns_name)
    pulumi.export("media_bucket", media.bucket.id)
    pulumi.export("database_endpoint", database.instance.endpoint)
    pulumi.export("database_secret_arn", database.instance.master_user_secrets[0].secret_arn)
    pulumi.export("redis_endpoint", cache.group.primary_endpoint_address)
    pulumi.export("redis_auth_token", cache.token.result)  # a secret output: encrypted in state
