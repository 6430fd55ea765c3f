from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.host import debian_image


@dataclass(frozen=True)
class AppFleetArgs:
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    instance_profile: pulumi.Input[str]
    target_group_arn: pulumi.Input[str]
    instance_type: str
    root_volume_gb: int
    user_data: str
    tags: Mapping[str, str]
    min_size: int = 2
    max_size: int = 6


class AppFleet(pulumi.ComponentResource):
    """App hosts from one launch template in an Auto Scaling group across the private
    subnets, replaced when the load balancer finds them unhealthy."""

    def __init__(
        self, name: str, args: AppFleetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:AppFleet", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        template = aws.ec2.LaunchTemplate(
            f"{name}-template",
            image_id=debian_image(self).id,
            instance_type=args.instance_type,
            iam_instance_profile={"name": args.instance_profile},
            vpc_security_group_ids=[args.security_group_id],
            metadata_options={
                "http_tokens": "required",
                "http_endpoint": "enabled",
                "http_put_response_hop_limit": 1,
            },
            block_device_mappings=[
                {
                    "device_name": "/dev/xvda",
                    "ebs": {
                        "volume_type": "gp3",
                        "volume_size": args.root_volume_gb,
                        "encrypted": "true",
                        "delete_on_termination": "true",
                    },
                }
            ],
            user_data=base64.b64encode(args.user_data.encode()).decode(),
            tag_specifications=[
                {"resource_type": "instance", "tags": tags},
                {"resource_type": "volume", "tags": tags},
            ],
            tags=tags,
            opts=child,
        )
        self.group = aws.autoscaling.Group(
            f"{name}-asg",
            min_size=args.min_size,
            max_size=args.max_size,
            desired_capacity=args.min_size,
            vpc_zone_identifiers=list(args.subnet_ids),
            launch_template={"id": template.id, "version": template.latest_version.apply(str)},
            target_group_arns=[args.target_group_arn],
            health_check_type="ELB",
            health_check_grace_period=600,  # first boot runs the playbook
            instance_refresh={"strategy": "Rolling", "preferences": {"min_healthy_percentage": 50}},
            tags=[
                {"key": key, "value": value, "propagate_at_launch": True}
                for key, value in tags.items()
            ],
            opts=child,
        )
        self.register_outputs({"group": self.group.name})
