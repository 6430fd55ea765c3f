from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class DatabaseArgs:
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    is_prod: bool
    tags: Mapping[str, str]
    instance_class: str = "db.t4g.medium"
    storage_gb: int = 50
    backup_days: int = 30


class Database(pulumi.ComponentResource):
    """PostgreSQL 15 on RDS, Multi-AZ: encrypted, TLS required, 30 days of backups with
    point-in-time recovery, never public; its password lives in Secrets Manager (RDS
    manages and rotates it), so it never passes through Pulumi config or state."""

    def __init__(
        self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets", subnet_ids=list(args.subnet_ids), tags=tags, opts=child
        )
        parameters = aws.rds.ParameterGroup(
            f"{name}-params",
            family="postgres15",
            parameters=[
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "log_min_duration_statement", "value": "500"},
                {"name": "idle_in_transaction_session_timeout", "value": "60000"},
            ],
            tags=tags,
            opts=child,
        )
        self.instance = aws.rds.Instance(
            f"{name}-postgres",
            engine="postgres",
            engine_version="15",
            instance_class=args.instance_class,
            allocated_storage=args.storage_gb,
            max_allocated_storage=args.storage_gb * 4,
            storage_type="gp3",
            storage_encrypted=True,
            multi_az=True,
            db_name="courzly",
            username="courzly",
            manage_master_user_password=True,
            db_subnet_group_name=subnets.name,
            parameter_group_name=parameters.name,
            vpc_security_group_ids=[args.security_group_id],
            publicly_accessible=False,
            backup_retention_period=args.backup_days,
            copy_tags_to_snapshot=True,
            deletion_protection=args.is_prod,
            skip_final_snapshot=not args.is_prod,
            final_snapshot_identifier=f"{name}-final" if args.is_prod else None,
            auto_minor_version_upgrade=True,
            tags=tags,
            opts=child,
        )
        self.register_outputs({"endpoint": self.instance.endpoint})
