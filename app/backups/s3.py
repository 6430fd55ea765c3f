"""The boto3 client for the backup bucket (media, exports and host configuration copies;
pgBackRest has its own S3 client for the database)."""

from __future__ import annotations

from typing import Any

import boto3

from app.backups.config import BackupSettings
from app.backups.pgbackrest import BackupError


def backup_bucket(settings: BackupSettings) -> str:
    if not settings.s3_bucket:
        raise BackupError("BACKUP_S3_BUCKET is not set: there is no bucket to copy to")
    return settings.s3_bucket


def s3_client(settings: BackupSettings) -> Any:
    options: dict[str, Any] = {"region_name": settings.s3_region}
    if settings.s3_endpoint:  # an S3-compatible store; AWS needs no endpoint
        host = settings.s3_storage_host or settings.s3_endpoint
        port = f":{settings.s3_storage_port}" if settings.s3_storage_port else ""
        options["endpoint_url"] = f"https://{host}{port}"
        options["verify"] = settings.s3_verify_tls
    if settings.s3_key is not None and settings.s3_key_secret is not None:
        options["aws_access_key_id"] = settings.s3_key.get_secret_value()
        options["aws_secret_access_key"] = settings.s3_key_secret.get_secret_value()
    return boto3.client("s3", **options)
