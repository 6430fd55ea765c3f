from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from infra.components.security import TIME_SYNC, WORLD_V4, WORLD_V6, egress, ingress


@dataclass(frozen=True)
class ScaledSecurityArgs:
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    admin_cidrs: Sequence[str]
    ssm_only: bool
    tags: Mapping[str, str]


class ScaledSecurity(pulumi.ComponentResource):
    """Each tier reachable only from the one in front of it: the load balancer from the
    world, the app hosts from the load balancer, PostgreSQL and Redis from the app hosts."""

    def __init__(
        self, name: str, args: ScaledSecurityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:ScaledSecurity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        def group(
            tier: str,
            description: str,
            into: list[aws.ec2.SecurityGroupIngressArgs],
            out: list[aws.ec2.SecurityGroupEgressArgs],
        ) -> aws.ec2.SecurityGroup:
            return aws.ec2.SecurityGroup(
                f"{name}-{tier}",
                description=description,
                vpc_id=args.vpc_id,
                ingress=into,
                egress=out,
                tags={**tags, "Name": f"{name}-{tier}"},
                opts=child,
            )

        world: dict[str, Any] = {"cidr_blocks": [WORLD_V4], "ipv6_cidr_blocks": [WORLD_V6]}
        inside: dict[str, Any] = {"cidr_blocks": [args.vpc_cidr]}
        self.balancer = group(
            "alb",
            "Courzly load balancer: web in from anywhere, out to the app hosts",
            [ingress(80, "HTTP, redirected to HTTPS", **world), ingress(443, "HTTPS", **world)],
            [egress(80, "to the app hosts", **inside)],
        )
        admins = list(args.admin_cidrs)
        ssh = [] if args.ssm_only else [ingress(22, "SSH from admins", cidr_blocks=admins)]
        self.app = group(
            "app",
            "Courzly app hosts: HTTP from the load balancer only",
            [ingress(80, "from the load balancer", security_groups=[self.balancer.id]), *ssh],
            [
                egress(443, "HTTPS: packages, AWS APIs, AI provider, S3", **world),
                egress(80, "HTTP: Debian package mirrors", **world),
                egress(587, "SMTP submission", **world),
                egress(5432, "PostgreSQL", **inside),
                egress(6379, "Redis", **inside),
                TIME_SYNC,
            ],
        )
        self.database = group(
            "db",
            "Courzly PostgreSQL: from the app hosts only",
            [ingress(5432, "from the app hosts", security_groups=[self.app.id])],
            [],
        )
        self.cache = group(
            "cache",
            "Courzly Redis: from the app hosts only",
            [ingress(6379, "from the app hosts", security_groups=[self.app.id])],
            [],
        )
        self.register_outputs({})
