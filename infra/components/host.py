from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.cloud_init import DATA_DEVICE

DEBIAN_OWNER = "136693071363"  # the Debian project's AWS account: official images only
SNAPSHOT_TAG = "courzly-snapshots"


def debian_image(parent: pulumi.Resource) -> aws.ec2.GetAmiResult:
    """The newest official Debian 12 image (the owner pinned: no look-alike images)."""
    return aws.ec2.get_ami(
        most_recent=True,
        owners=[DEBIAN_OWNER],
        filters=[
            {"name": "name", "values": ["debian-12-amd64-*"]},
            {"name": "architecture", "values": ["x86_64"]},
            {"name": "virtualization-type", "values": ["hvm"]},
        ],
        opts=pulumi.InvokeOptions(parent=parent),
    )


@dataclass(frozen=True)
class HostArgs:
    subnet_id: pulumi.Input[str]
    availability_zone: pulumi.Input[str]
    security_group_id: pulumi.Input[str]
    instance_profile: pulumi.Input[str]
    instance_type: str
    root_volume_gb: int
    data_volume_gb: int
    user_data: str
    termination_protection: bool
    alarm_topic_arn: pulumi.Input[str]
    region: str
    tags: Mapping[str, str]
    snapshot_days: int = 7


class Host(pulumi.ComponentResource):
    """The single host: Debian 12, IMDSv2 only, encrypted volumes, an Elastic IP, daily
    snapshots of its data volume, and AWS recovering it when its hardware fails."""

    def __init__(
        self, name: str, args: HostArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:Host", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        image = debian_image(self)
        self.instance = aws.ec2.Instance(
            f"{name}-instance",
            ami=image.id,
            instance_type=args.instance_type,
            subnet_id=args.subnet_id,
            vpc_security_group_ids=[args.security_group_id],
            iam_instance_profile=args.instance_profile,
            metadata_options={
                "http_tokens": "required",  # IMDSv2 only
                "http_endpoint": "enabled",
                "http_put_response_hop_limit": 1,  # containers cannot borrow the role
            },
            root_block_device={
                "volume_type": "gp3",
                "volume_size": args.root_volume_gb,
                "encrypted": True,
                "delete_on_termination": True,
            },
            disable_api_termination=args.termination_protection,
            user_data=args.user_data,
            user_data_replace_on_change=False,  # a new playbook revision is applied by Ansible
            tags={**tags, "Name": name},
            # A new AMI every month must not replace the host: upgrades are Ansible's job.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["ami"]),
        )
        # Docker and PostgreSQL data: a volume of its own, kept when the instance is replaced.
        self.data_volume = aws.ebs.Volume(
            f"{name}-data",
            availability_zone=args.availability_zone,
            size=args.data_volume_gb,
            type="gp3",
            encrypted=True,
            tags={**tags, "Name": f"{name}-data", SNAPSHOT_TAG: "daily"},
            opts=pulumi.ResourceOptions(parent=self, protect=args.termination_protection),
        )
        aws.ec2.VolumeAttachment(
            f"{name}-data",
            device_name=DATA_DEVICE,
            volume_id=self.data_volume.id,
            instance_id=self.instance.id,
            stop_instance_before_detaching=True,
            opts=child,
        )
        self.address = aws.ec2.Eip(
            f"{name}-ip", domain="vpc", tags={**tags, "Name": name}, opts=child
        )
        aws.ec2.EipAssociation(
            f"{name}-ip", allocation_id=self.address.id, instance_id=self.instance.id, opts=child
        )
        self._snapshots(name, args, tags)
        aws.cloudwatch.MetricAlarm(
            f"{name}-recover",
            alarm_description="System status check failed: AWS moves the host to new hardware",
            namespace="AWS/EC2",
            metric_name="StatusCheckFailed_System",
            dimensions={"InstanceId": self.instance.id},
            statistic="Maximum",
            period=60,
            evaluation_periods=2,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            alarm_actions=[f"arn:aws:automate:{args.region}:ec2:recover", args.alarm_topic_arn],
            tags=tags,
            opts=child,
        )
        self.register_outputs(
            {"instance_id": self.instance.id, "public_ip": self.address.public_ip}
        )

    def _snapshots(self, name: str, args: HostArgs, tags: dict[str, str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-dlm",
            assume_role_policy=(
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                '"Principal":{"Service":"dlm.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
            ),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-dlm",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
            opts=child,
        )
        aws.dlm.LifecyclePolicy(
            f"{name}-snapshots",
            description="Daily snapshots of the Courzly data volume",
            execution_role_arn=role.arn,
            state="ENABLED",
            policy_details={
                "resource_types": ["VOLUME"],
                "target_tags": {SNAPSHOT_TAG: "daily"},
                "schedules": [
                    {
                        "name": "daily",
                        "create_rule": {"interval": 24, "interval_unit": "HOURS", "times": "03:00"},
                        "retain_rule": {"count": args.snapshot_days},
                        "copy_tags": True,
                    }
                ],
            },
            tags=tags,
            opts=child,
        )
