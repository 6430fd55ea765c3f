"""Uploaded media and stored exports, copied to the versioned backup bucket.

Only files whose SHA-256 changed are uploaded (S3 checks each upload against the checksum we
send). A manifest object records every file's checksum, so a run reads one object instead
of asking about each file. A file deleted here is deleted there too; the bucket's
versioning keeps its last content as a noncurrent version until the lifecycle rule
expires it, so an accidental deletion can still be undone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.backups.pgbackrest import BackupError

MANIFEST = ".courzly-manifest.json"
CHUNK = 1024 * 1024


@dataclass
class SyncResult:
    uploaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    uploaded_bytes: int = 0


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _local_files(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _manifest(client: Any, bucket: str, prefix: str) -> dict[str, str]:
    try:
        body = client.get_object(Bucket=bucket, Key=prefix + MANIFEST)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return {}  # the first run
        raise
    found: dict[str, str] = json.loads(body)
    return found


def sync_directory(
    client: Any, bucket: str, prefix: str, root: Path, encryption: dict[str, str] | None = None
) -> SyncResult:
    """Make `bucket/prefix` hold what `root` holds now. `encryption`: the server-side
    encryption arguments every upload carries."""
    sealed = encryption or {}
    result = SyncResult()
    try:
        remote = _manifest(client, bucket, prefix)
        local = {name: (path, sha256_of(path)) for name, path in _local_files(root).items()}
        for name, (path, digest) in local.items():
            if remote.get(name) == digest:
                result.unchanged += 1
                continue
            with path.open("rb") as body:
                client.put_object(
                    Bucket=bucket,
                    Key=prefix + name,
                    Body=body,
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
                    Metadata={"sha256": digest},
                    **sealed,
                )
            result.uploaded.append(name)
            result.uploaded_bytes += path.stat().st_size
        for name in sorted(set(remote) - set(local)):
            client.delete_object(Bucket=bucket, Key=prefix + name)  # a delete marker
            result.deleted.append(name)
        manifest = json.dumps({name: digest for name, (_, digest) in local.items()}, indent=0)
        client.put_object(Bucket=bucket, Key=prefix + MANIFEST, Body=manifest.encode(), **sealed)
    except (ClientError, BotoCoreError) as exc:
        raise BackupError(f"copying {root} to s3://{bucket}/{prefix} failed: {exc}") from exc
    return result
