from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random


@dataclass(frozen=True)
class CacheArgs:
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    tags: Mapping[str, str]
    node_type: str = "cache.t4g.small"


class Cache(pulumi.ComponentResource):
    """Redis 7 on ElastiCache: a primary and a replica in two zones with failover,
    encrypted at rest and in transit, behind an auth token generated here (a Pulumi secret:
    encrypted in the state, never in a stack file)."""

    def __init__(
        self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:Cache", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        self.token = random.RandomPassword(f"{name}-token", length=48, special=False, opts=child)
        subnets = aws.elasticache.SubnetGroup(
            f"{name}-subnets", subnet_ids=list(args.subnet_ids), tags=tags, opts=child
        )
        self.group = aws.elasticache.ReplicationGroup(
            f"{name}-redis",
            description="Courzly jobs, pub/sub and caches",
            engine="redis",
            engine_version="7.1",
            node_type=args.node_type,
            num_cache_clusters=2,
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auth_token=self.token.result,
            subnet_group_name=subnets.name,
            security_group_ids=[args.security_group_id],
            snapshot_retention_limit=7,
            tags=tags,
            opts=child,
        )
        self.register_outputs({"endpoint": self.group.primary_endpoint_address})
