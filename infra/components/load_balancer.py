from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.2 and 1.3 only


@dataclass(frozen=True)
class LoadBalancerArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    domain: str
    zone_id: str | None
    is_prod: bool
    tags: Mapping[str, str]


class LoadBalancer(pulumi.ComponentResource):
    """HTTPS at the edge: an ACM certificate for the domain (validated through DNS when the
    zone is ours), an ALB whose HTTP listener only redirects, and the app hosts' group."""

    def __init__(
        self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        certificate = aws.acm.Certificate(
            f"{name}-cert", domain_name=args.domain, validation_method="DNS", tags=tags, opts=child
        )
        certificate_arn: pulumi.Input[str] = certificate.arn
        if args.zone_id:
            option = certificate.domain_validation_options[0]
            record = aws.route53.Record(
                f"{name}-cert-validation",
                zone_id=args.zone_id,
                name=option.resource_record_name,
                type=option.resource_record_type,
                records=[option.resource_record_value],
                ttl=300,
                opts=child,
            )
            validated = aws.acm.CertificateValidation(
                f"{name}-cert",
                certificate_arn=certificate.arn,
                validation_record_fqdns=[record.fqdn],
                opts=child,
            )
            certificate_arn = validated.certificate_arn
        self.alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=list(args.subnet_ids),
            security_groups=[args.security_group_id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.is_prod,
            idle_timeout=3600,  # WebSockets stay open; the app pings them
            tags=tags,
            opts=child,
        )
        self.targets = aws.lb.TargetGroup(
            f"{name}-app",
            port=80,
            protocol="HTTP",
            vpc_id=args.vpc_id,
            target_type="instance",
            deregistration_delay=30,
            health_check={"path": "/readyz", "matcher": "200", "interval": 15},
            tags=tags,
            opts=child,
        )
        aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=[{"type": "forward", "target_group_arn": self.targets.arn}],
            tags=tags,
            opts=child,
        )
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "redirect",
                    "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"},
                }
            ],
            tags=tags,
            opts=child,
        )
        self.register_outputs({"dns_name": self.alb.dns_name})
