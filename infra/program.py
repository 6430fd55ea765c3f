"""The whole stack, declared from its configuration. `__main__.py` calls this under
`pulumi up`; the tests call it under Pulumi's mocks, so both run exactly the same code."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra import cloud_init
from infra.components.alerts import Alerts, AlertsArgs, HostAlarms, HostAlarmsArgs
from infra.components.backup_storage import BackupStorage, BackupStorageArgs
from infra.components.host import Host, HostArgs
from infra.components.host_role import BACKUP_PREFIX, HostRole, HostRoleArgs
from infra.components.network import Network, NetworkArgs
from infra.components.security import HostSecurity, HostSecurityArgs
from infra.config import StackConfig


def declare(config: StackConfig) -> None:
    if config.scaled:
        raise NotImplementedError(
            "the scaled profile (ALB, Auto Scaling, RDS, ElastiCache) is not declared yet"
        )
    tags = config.tags
    zones = aws.get_availability_zones(state="available").names
    network = Network(config.name("net"), NetworkArgs(availability_zones=zones, tags=tags))
    alerts = Alerts(config.name("alerts"), AlertsArgs(email=config.alarm_email, tags=tags))
    backups = BackupStorage(
        config.name("backups"),
        BackupStorageArgs(
            retention_days=config.backup_retention_days, tags=tags, object_lock=config.is_prod
        ),
    )
    role = HostRole(
        config.name("host"),
        HostRoleArgs(bucket_arn=backups.bucket.arn, key_arn=backups.key.arn, tags=tags),
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
            user_data=cloud_init.user_data(
                config.repository_url, config.repository_revision, config.environment
            ),
            termination_protection=config.is_prod,
            alarm_topic_arn=alerts.topic.arn,
            region=config.region,
            tags=tags,
        ),
    )
    HostAlarms(
        config.name("host"),
        HostAlarmsArgs(instance_id=host.instance.id, topic_arn=alerts.topic.arn, tags=tags),
    )
    if config.zone_id:
        aws.route53.Record(
            config.name("dns"),
            zone_id=config.zone_id,
            name=config.domain,
            type="A",
            ttl=300,
            records=[host.address.public_ip],
        )
    pulumi.export("url", f"https://{config.domain}")
    pulumi.export("public_ip", host.address.public_ip)
    pulumi.export("instance_id", host.instance.id)
    pulumi.export("backup_bucket", backups.bucket.id)
    pulumi.export("backup_prefix", BACKUP_PREFIX)
    pulumi.export("backup_key_arn", backups.key.arn)
    pulumi.export("alarm_topic_arn", alerts.topic.arn)
    pulumi.export("region", config.region)
    pulumi.export("environment", config.environment)
