from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.backup_storage import retention_rules
from infra.components.secure_bucket import SecureBucket, SecureBucketArgs


@dataclass(frozen=True)
class BackupReplicaArgs:
    source_bucket_id: pulumi.Input[str]
    source_bucket_arn: pulumi.Input[str]
    source_key_arn: pulumi.Input[str]
    source_versioning: pulumi.Resource  # replication needs versioning on first
    region: str
    retention_days: int
    tags: Mapping[str, str]


def replication_policy(source: str, source_key: str, replica: str, replica_key: str) -> str:
    """What S3 needs to copy the bucket's versions, and no more."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": source,
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                    ],
                    "Resource": f"{source}/*",
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": f"{replica}/*",
                },
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key},
                {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": replica_key},
            ],
        }
    )


class BackupReplica(pulumi.ComponentResource):
    """A copy of the backup bucket in another region (prod): a secure bucket there with a
    key of its own, the same expiry, and S3 replicating every version, deletes included."""

    def __init__(
        self, name: str, args: BackupReplicaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:BackupReplica", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        region = aws.Provider(f"{name}-region", region=args.region, opts=child)
        there = pulumi.ResourceOptions(parent=self, provider=region)
        replica = SecureBucket(
            name, SecureBucketArgs(purpose="backup replica", tags=tags), opts=there
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=replica.bucket.id,
            rules=retention_rules(args.retention_days, archive=False),
            opts=pulumi.ResourceOptions(
                parent=self, provider=region, depends_on=[replica.versioning]
            ),
        )
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-role",
            role=role.id,
            policy=pulumi.Output.all(
                args.source_bucket_arn, args.source_key_arn, replica.bucket.arn, replica.key.arn
            ).apply(lambda arns: replication_policy(*arns)),
            opts=child,
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=args.source_bucket_id,
            role=role.arn,
            rules=[
                {
                    "id": "everything",
                    "status": "Enabled",
                    "filter": {},
                    "delete_marker_replication": {"status": "Enabled"},
                    "source_selection_criteria": {
                        "sse_kms_encrypted_objects": {"status": "Enabled"}
                    },
                    "destination": {
                        "bucket": replica.bucket.arn,
                        "encryption_configuration": {"replica_kms_key_id": replica.key.arn},
                    },
                }
            ],
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[args.source_versioning, replica.versioning]
            ),
        )
        self.bucket = replica.bucket
        self.register_outputs({"bucket": replica.bucket.id})
