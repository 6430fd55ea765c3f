from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


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


@dataclass(frozen=True)
class SecureBucketArgs:
    purpose: str  # for the key's description: "backups", "media"
    tags: Mapping[str, str]
    object_lock: bool = False


class SecureBucket(pulumi.ComponentResource):
    """A private bucket with a KMS key of its own: versioned, encrypted by default with
    that key, public access blocked, and a policy refusing plain HTTP."""

    def __init__(
        self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"Courzly {args.purpose}",
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
        self.versioning = aws.s3.BucketVersioning(
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
        self.register_outputs({"bucket": self.bucket.id, "key_arn": self.key.arn})
