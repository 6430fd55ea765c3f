from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.security import TIME_SERVICE, WORLD_V4, WORLD_V6


@dataclass(frozen=True)
class ScaledSecurityArgs:
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    admin_cidrs: Sequence[str]
    ssm_only: bool
    tags: Mapping[str, str]


def _tcp(port: int, description: str, **source: pulumi.Input[list[str]] | list[str]) -> dict:
    return {"protocol": "tcp", "from_port": port, "to_port": port, "description": description,
            **source}  # fmt: skip


class ScaledSecurity(pulumi.ComponentResource):
    """Each tier reachable only from the one in front of it: the load balancer from the
    world, the app hosts from the load balancer, PostgreSQL and Redis from the app hosts."""

    def __init__(
        self, name: str, args: ScaledSecurityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:ScaledSecurity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        def group(tier: str, description: str, **rules: list[dict]) -> aws.ec2.SecurityGroup:
            return aws.ec2.SecurityGroup(
                f"{name}-{tier}",
                description=description,
                vpc_id=args.vpc_id,
                tags={**tags, "Name": f"{name}-{tier}"},
                opts=child,
                **rules,
            )

        world = {"cidr_blocks": [WORLD_V4], "ipv6_cidr_blocks": [WORLD_V6]}
        inside = {"cidr_blocks": [args.vpc_cidr]}
        self.balancer = group(
            "alb",
            "Courzly load balancer: web in from anywhere, out to the app hosts",
            ingress=[_tcp(80, "HTTP, redirected to HTTPS", **world), _tcp(443, "HTTPS", **world)],
            egress=[_tcp(80, "to the app hosts", **inside)],
        )
        ssh = (
            []
            if args.ssm_only
            else [_tcp(22, "SSH from admins", cidr_blocks=list(args.admin_cidrs))]
        )
        self.app = group(
            "app",
            "Courzly app hosts: HTTP from the load balancer only",
            ingress=[_tcp(80, "from the load balancer", security_groups=[self.balancer.id]), *ssh],
            egress=[
                _tcp(443, "HTTPS: packages, AWS APIs, AI provider, S3", **world),
                _tcp(80, "HTTP: Debian package mirrors", **world),
                _tcp(587, "SMTP submission", **world),
                _tcp(5432, "PostgreSQL", **inside),
                _tcp(6379, "Redis", **inside),
                {"protocol": "udp", "from_port": 123, "to_port": 123,
                 "cidr_blocks": [TIME_SERVICE], "description": "Amazon Time Sync"},
            ],
        )  # fmt: skip
        self.database = group(
            "db",
            "Courzly PostgreSQL: from the app hosts only",
            ingress=[_tcp(5432, "from the app hosts", security_groups=[self.app.id])],
            egress=[],
        )
        self.cache = group(
            "cache",
            "Courzly Redis: from the app hosts only",
            ingress=[_tcp(6379, "from the app hosts", security_groups=[self.app.id])],
            egress=[],
        )
        self.register_outputs({})
