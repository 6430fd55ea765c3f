from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

ARCHIVE_AFTER_DAYS = 30  # then Glacier Instant Retrieval: cheap, still read in milliseconds


@dataclass(frozen=True)
class BackupStorageArgs:
    retention_days: int
    tags: Mapping[str, str]
    object_lock: bool = False  # governance mode: deletes need a special permission


def tls_and_encryption_policy(bucket_arn: str, key_arn: str) -> str:
    """Refuse plain HTTP to the bucket, and uploads encrypted any other way than its key."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "DenyOtherEncryption",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:PutObject",
                    "Resource": f"{bucket_arn}/*",
                    # No header: the bucket's default (this key) applies.
                    "Condition": {
                        "StringNotEqualsIfExists": {
                            "s3:x-amz-server-side-encryption": "aws:kms",
                            "s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn,
                        }
                    },
                },
            ],
        }
    )


class BackupStorage(pulumi.ComponentResource):
    """The backup bucket (pgBackRest repository, media and config archives) and its key."""

    def __init__(
        self, name: str, args: BackupStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:BackupStorage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        self.key = aws.kms.Key(
            f"{name}-key",
            description="Courzly backups",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=tags,
            opts=child,
        )
        aws.kms.Alias(f"{name}-key", name=f"alias/{name}", target_key_id=self.key.id, opts=child)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            object_lock_enabled=args.object_lock,
            force_destroy=False,
            tags=tags,
            opts=child,
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=self.bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": self.key.arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=pulumi.Output.all(self.bucket.arn, self.key.arn).apply(
                lambda arns: tls_and_encryption_policy(arns[0], arns[1])
            ),
            opts=child,
        )
        transitions = (
            [{"days": ARCHIVE_AFTER_DAYS, "storage_class": "GLACIER_IR"}]
            if args.retention_days > ARCHIVE_AFTER_DAYS
            else []
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=self.bucket.id,
            rules=[
                {
                    "id": "retention",
                    "status": "Enabled",
                    "filter": {},
                    "transitions": transitions,
                    "expiration": {"days": args.retention_days},
                    "noncurrent_version_expiration": {"noncurrent_days": args.retention_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        if args.object_lock:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=self.bucket.id,
                rule={"default_retention": {"mode": "GOVERNANCE", "days": args.retention_days}},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
            )
        self.register_outputs({"bucket": self.bucket.id, "key_arn": self.key.arn})
