"""Where finished exports live: a local directory (default) or S3, and short-lived links.

Local files are served by the API itself at a URL carrying an expiry and an HMAC of the
export id and that expiry; S3 objects through presigned URLs. Either way a link works for
EXPORT_URL_TTL_SECONDS and for nobody who was not given it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from app.config import Settings
from app.core.api import API_PREFIX


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: int  # unix time


class Storage(Protocol):
    async def put(self, key: str, data: bytes, media_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    def link(self, export_id: uuid.UUID, key: str, filename: str) -> Link: ...


def _signature(secret: str, export_id: uuid.UUID, expires: int) -> str:
    # A key of its own, derived from the JWT secret: a token signature can never pass as a
    # download signature, nor the other way round.
    key = hmac.new(secret.encode(), b"courzly-export-links", hashlib.sha256).digest()
    message = f"{export_id}:{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_valid(secret: str, export_id: uuid.UUID, expires: int, signature: str) -> bool:
    if expires < time.time():
        return False
    return hmac.compare_digest(_signature(secret, export_id, expires), signature)


class LocalStorage:
    def __init__(self, root: Path, settings: Settings) -> None:
        # Settings, not the secret: workers store files and never sign links, so they need
        # no JWT_SECRET.
        self.root, self._settings = root, settings

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key outside the exports directory")
        return path

    async def put(self, key: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(self._write, self.path(key), data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self.path(key).read_bytes)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write then rename: a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_bytes(data)
        os.replace(partial, path)

    def link(self, export_id: uuid.UUID, key: str, filename: str) -> Link:
        expires = int(time.time()) + self._settings.export_url_ttl_seconds
        signature = _signature(self._settings.jwt_secret_value(), export_id, expires)
        url = f"{API_PREFIX}/exports/{export_id}/file?expires={expires}&signature={signature}"
        return Link(url, expires)


class S3Storage:
    def __init__(self, client: Any, bucket: str, prefix: str, ttl: int) -> None:
        self._client, self._bucket, self._prefix, self._ttl = client, bucket, prefix, ttl

    async def put(self, key: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self._bucket,
            Key=self._prefix + key,
            Body=data,
            ContentType=media_type,
            ServerSideEncryption="AES256",
        )

    async def get(self, key: str) -> bytes:
        answer = await asyncio.to_thread(
            self._client.get_object, Bucket=self._bucket, Key=self._prefix + key
        )
        data: bytes = await asyncio.to_thread(answer["Body"].read)
        return data

    def link(self, export_id: uuid.UUID, key: str, filename: str) -> Link:
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": self._prefix + key,
                "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            },
            ExpiresIn=self._ttl,
        )
        return Link(url, int(time.time()) + self._ttl)


def storage_for(settings: Settings, s3_client: Any = None) -> Storage:
    """`s3_client`: tests pass one bound to moto; otherwise boto3 builds it from the env."""
    ttl = settings.export_url_ttl_seconds
    if settings.exports_s3_bucket:
        if s3_client is None:
            import boto3  # only when S3 is configured: a heavy import
            from botocore.config import Config

            # SigV4: the only signature newer regions accept for presigned URLs.
            s3_client = boto3.client("s3", config=Config(signature_version="s3v4"))
        return S3Storage(s3_client, settings.exports_s3_bucket, settings.exports_s3_prefix, ttl)
    return LocalStorage(settings.resolved_exports_dir, settings)
