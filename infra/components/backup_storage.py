from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.secure_bucket import SecureBucket, SecureBucketArgs

ARCHIVE_AFTER_DAYS = 30  # then Glacier Instant Retrieval: cheap, still read in milliseconds


def retention_rule(days: int, archive: bool = True) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """Every version expires after `days`; archived on the way when it lives long enough
    (S3 refuses an expiry that comes before the move)."""
    s3 = aws.s3
    transitions = (
        [s3.BucketLifecycleConfigurationRuleTransitionArgs(
            days=ARCHIVE_AFTER_DAYS, storage_class="GLACIER_IR")]
        if archive and days > ARCHIVE_AFTER_DAYS
        else []
    )  # fmt: skip
    return s3.BucketLifecycleConfigurationRuleArgs(
        id="retention",
        status="Enabled",
        filter=s3.BucketLifecycleConfigurationRuleFilterArgs(),
        transitions=transitions,
        expiration=s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
        noncurrent_version_expiration=(
            s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=days)
        ),
        abort_incomplete_multipart_upload=(
            s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=7
            )
        ),
    )


@dataclass(frozen=True)
class BackupStorageArgs:
    retention_days: int
    tags: Mapping[str, str]
    object_lock: bool = False  # governance mode: deletes need a special permission


class BackupStorage(pulumi.ComponentResource):
    """The backup bucket (pgBackRest repository, media and config archives) and its key;
    everything expires after the retention, archived after 30 days on the way."""

    def __init__(
        self, name: str, args: BackupStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:BackupStorage", name, None, opts)
        secure = SecureBucket(
            name,
            SecureBucketArgs(purpose="backups", tags=args.tags, object_lock=args.object_lock),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.bucket, self.key, self.versioning = secure.bucket, secure.key, secure.versioning
        after_versioning = pulumi.ResourceOptions(parent=self, depends_on=[secure.versioning])
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=self.bucket.id,
            rules=[retention_rule(args.retention_days)],
            opts=after_versioning,
        )
        if args.object_lock:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=self.bucket.id,
                rule={"default_retention": {"mode": "GOVERNANCE", "days": args.retention_days}},
                opts=after_versioning,
            )
        self.register_outputs({"bucket": self.bucket.id, "key_arn": self.key.arn})
