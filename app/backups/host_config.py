"""The host's configuration (/etc/courzly, nginx, Let's Encrypt's account and certificates)
as one encrypted archive in the backup bucket, daily; and back out of it onto a new host.

The archive is a tar.gz sealed with AES-256-GCM under a key derived from BACKUP_CIPHER_PASS
(scrypt, a fresh salt per archive), so the bucket never holds the private keys in the clear
and a changed byte is detected on opening:
    b"CZH1" | salt (16) | nonce (12) | ciphertext with its tag
"""

from __future__ import annotations

import io
import os
import socket
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.backups.pgbackrest import BackupError

MAGIC = b"CZH1"
SALT_BYTES, NONCE_BYTES = 16, 12
FOLDER = "host-config/"


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def seal(plain: bytes, passphrase: str) -> bytes:
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    return MAGIC + salt + nonce + AESGCM(_key(passphrase, salt)).encrypt(nonce, plain, MAGIC)


def unseal(sealed: bytes, passphrase: str) -> bytes:
    if not sealed.startswith(MAGIC):
        raise BackupError("not a Courzly host configuration archive")
    salt = sealed[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    nonce = sealed[len(MAGIC) + SALT_BYTES : len(MAGIC) + SALT_BYTES + NONCE_BYTES]
    body = sealed[len(MAGIC) + SALT_BYTES + NONCE_BYTES :]
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, body, MAGIC)
    except InvalidTag:
        raise BackupError(
            "the archive cannot be opened: BACKUP_CIPHER_PASS is wrong or the archive is damaged"
        ) from None


def archive(paths: list[Path]) -> bytes:
    """A tar.gz of the paths that exist, with their full paths inside (owners and modes
    kept, for a faithful restore)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in paths:
            if path.exists():
                tar.add(path, arcname=str(path).lstrip("/"))
    return buffer.getvalue()


def upload(
    client: Any,
    bucket: str,
    paths: list[Path],
    passphrase: str,
    prefix: str = "",
    encryption: dict[str, str] | None = None,
) -> tuple[str, int]:
    """Seal and upload today's archive under `prefix`; its key and size."""
    sealed = seal(archive(paths), passphrase)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    key = f"{prefix}{FOLDER}{socket.gethostname()}/{stamp}.tar.gz.enc"
    try:
        client.put_object(Bucket=bucket, Key=key, Body=sealed, **(encryption or {}))
    except (ClientError, BotoCoreError) as exc:
        raise BackupError(f"uploading the host configuration failed: {exc}") from exc
    return key, len(sealed)


def latest_key(client: Any, bucket: str, host: str, prefix: str = "") -> str:
    listed = client.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}{FOLDER}{host}/")
    keys: list[str] = sorted(item["Key"] for item in listed.get("Contents", []))
    if not keys:
        raise BackupError(f"no host configuration archive for {host!r} in s3://{bucket}")
    return keys[-1]


def restore_into(client: Any, bucket: str, key: str, passphrase: str, target: Path) -> list[str]:
    """Unseal an archive and unpack it under `target` (a new host's root is `/`); the files
    it wrote. tar's data filter refuses links and paths that would leave `target`."""
    try:
        sealed = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except (ClientError, BotoCoreError) as exc:
        raise BackupError(f"reading s3://{bucket}/{key} failed: {exc}") from exc
    with tarfile.open(fileobj=io.BytesIO(unseal(sealed, passphrase)), mode="r:gz") as tar:
        names = tar.getnames()
        tar.extractall(target, filter="data")
    return names
