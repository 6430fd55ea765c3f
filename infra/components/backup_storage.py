from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.host_role import BACKUP_PREFIX
from infra.components.secure_bucket import SecureBucket, SecureBucketArgs

ARCHIVE_AFTER_DAYS = 30  # then Glacier Instant Retrieval: cheap, still read in milliseconds


def retention_rules(
    days: int, archive: bool = True
) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """What the bucket itself expires. Current objects are not expired wholesale: pgBackRest
    keeps its repository to its own retention (its info files are written once and must
    outlive any age rule), and the media copies are the latest copy of live files. So:
    replaced or deleted versions go after `days`; the dated host configuration archives go
    after `days`; everything is archived on the way when it lives long enough."""
    s3 = aws.s3
    transitions = (
        [s3.BucketLifecycleConfigurationRuleTransitionArgs(
            days=ARCHIVE_AFTER_DAYS, storage_class="GLACIER_IR")]
        if archive and days > ARCHIVE_AFTER_DAYS
        else []
    )  # fmt: skip
    return [
        s3.BucketLifecycleConfigurationRuleArgs(
            id="retention",
            status="Enabled",
            filter=s3.BucketLifecycleConfigurationRuleFilterArgs(),
            transitions=transitions,
            noncurrent_version_expiration=(
                s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=days
                )
            ),
            abort_incomplete_multipart_upload=(
                s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=7
                )
            ),
        ),
        s3.BucketLifecycleConfigurationRuleArgs(
            id="host-config-archives",
            status="Enabled",
            filter=s3.BucketLifecycleConfigurationRuleFilterArgs(
                prefix=f"{BACKUP_PREFIX}host-config/"
            ),
            expiration=s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
        ),
    ]


@dataclass(frozen=True)
class BackupStorageArgs:
    retention_days: int
    tags: Mapping[str, str]
    object_lock: bool = False  # governance mode: deletes need a special permission


class BackupStorage(pulumi.ComponentResource):
    """The backup bucket (pgBackRest repository, media and config archives) and its key;
    what expires when: retention_rules."""

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
            rules=retention_rules(args.retention_days),
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
