from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# AWS-managed policies: Session Manager access, and the CloudWatch agent's metrics and logs.
MANAGED = {
    "ssm": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "cloudwatch": "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
}
BACKUP_PREFIX = "courzly/"


@dataclass(frozen=True)
class HostRoleArgs:
    bucket_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    tags: Mapping[str, str]
    # The scaled profile's shared media bucket and its key: read and write, whole bucket.
    media_bucket_arn: pulumi.Input[str] | None = None
    media_key_arn: pulumi.Input[str] | None = None


def media_statements(bucket_arn: str, key_arn: str) -> list[dict[str, object]]:
    return [
        {
            "Sid": "MediaObjects",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
        },
        {
            "Sid": "MediaKey",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": key_arn,
        },
    ]


def backup_access_policy(
    bucket_arn: str, key_arn: str, media: list[dict[str, object]] | None = None
) -> str:
    """Read and write under the host's prefix of its backup bucket, with its key (and the
    media bucket, when there is one); no more."""
    prefix = BACKUP_PREFIX
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ListOwnPrefix",
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                    "Resource": bucket_arn,
                    "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}},
                },
                {
                    "Sid": "ObjectsUnderOwnPrefix",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"{bucket_arn}/{prefix}*",
                },
                {
                    "Sid": "BackupKey",
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                    "Resource": key_arn,
                },
                *(media or []),
            ],
        }
    )


class HostRole(pulumi.ComponentResource):
    """The instance role: Session Manager, the CloudWatch agent, and its own backups."""

    def __init__(
        self, name: str, args: HostRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:HostRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        assume = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps(assume),
            tags=dict(args.tags),
            opts=child,
        )
        for label, arn in MANAGED.items():
            aws.iam.RolePolicyAttachment(
                f"{name}-{label}", role=self.role.name, policy_arn=arn, opts=child
            )
        aws.iam.RolePolicy(
            f"{name}-backups",
            role=self.role.id,
            policy=pulumi.Output.all(
                args.bucket_arn, args.key_arn, args.media_bucket_arn, args.media_key_arn
            ).apply(
                lambda arns: backup_access_policy(
                    arns[0], arns[1], media_statements(arns[2], arns[3]) if arns[2] else None
                )
            ),
            opts=child,
        )
        self.profile = aws.iam.InstanceProfile(
            f"{name}-profile", role=self.role.name, tags=dict(args.tags), opts=child
        )
        self.register_outputs({"role_arn": self.role.arn})
