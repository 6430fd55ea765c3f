from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

WORLD_V4, WORLD_V6 = "0.0.0.0/0", "::/0"
TIME_SERVICE = "169.254.169.123/32"  # Amazon Time Sync, link-local


def ingress(port: int, description: str, **sources: Any) -> aws.ec2.SecurityGroupIngressArgs:
    """One TCP port in; `sources`: cidr_blocks, ipv6_cidr_blocks or security_groups."""
    return aws.ec2.SecurityGroupIngressArgs(
        protocol="tcp", from_port=port, to_port=port, description=description, **sources
    )


def egress(port: int, description: str, **targets: Any) -> aws.ec2.SecurityGroupEgressArgs:
    return aws.ec2.SecurityGroupEgressArgs(
        protocol="tcp", from_port=port, to_port=port, description=description, **targets
    )


TIME_SYNC = aws.ec2.SecurityGroupEgressArgs(
    protocol="udp", from_port=123, to_port=123, cidr_blocks=[TIME_SERVICE],
    description="Amazon Time Sync",
)  # fmt: skip


@dataclass(frozen=True)
class HostSecurityArgs:
    vpc_id: pulumi.Input[str]
    admin_cidrs: Sequence[str]  # empty with ssm_only
    ssm_only: bool
    tags: Mapping[str, str]


class HostSecurity(pulumi.ComponentResource):
    """The single host's firewall at the AWS edge: web from anywhere, SSH only from the
    admins' networks (or not at all), and only the outbound traffic the host needs."""

    def __init__(
        self, name: str, args: HostSecurityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:HostSecurity", name, None, opts)
        world = {"cidr_blocks": [WORLD_V4], "ipv6_cidr_blocks": [WORLD_V6]}
        web = [
            ingress(80, "HTTP (redirects to HTTPS, ACME) from anywhere", **world),
            ingress(443, "HTTPS from anywhere", **world),
        ]
        ssh = (
            []
            if args.ssm_only
            else [ingress(22, "SSH from the admins' networks", cidr_blocks=list(args.admin_cidrs))]
        )
        out = [
            egress(443, "HTTPS: packages, AWS APIs, AI provider, backups to S3", **world),
            egress(80, "HTTP: Debian package mirrors", **world),
            egress(587, "SMTP submission for notifications", **world),
            TIME_SYNC,
        ]
        self.group = aws.ec2.SecurityGroup(
            f"{name}-host",
            description="Courzly host: web in, SSH from admins, narrow egress",
            vpc_id=args.vpc_id,
            ingress=web + ssh,
            egress=out,
            tags={**args.tags, "Name": f"{name}-host"},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"group_id": self.group.id})
