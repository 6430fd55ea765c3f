"""Secrets the app must read back (webhook signing secrets, Drive tokens) are sealed at
rest with AES-256-GCM under ENCRYPTION_KEY. A sealed value names the key that sealed it,
so after a rotation the previous key (ENCRYPTION_KEY_PREVIOUS) still opens old values
while new ones use the current key."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import Settings
from app.core.secrets_store import load_or_create_dev_secret

VERSION = "v1"
NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value no configured key opens (wrong key, or tampered with)."""


def _derive(secret: str) -> bytes:
    # Any long random string works as ENCRYPTION_KEY; HKDF turns it into an AES key.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"courzly sealing v1").derive(
        secret.encode()
    )


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


class Sealer:
    def __init__(self, current: str, previous: str | None = None) -> None:
        self._current = _derive(current)
        keys = [self._current] + ([_derive(previous)] if previous else [])
        self._keys = {_key_id(key): key for key in keys}

    def seal(self, plain: str, context: str) -> str:
        """`context` binds the value to its row and field: a sealed value copied to
        another row does not open there."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._current).encrypt(nonce, plain.encode(), context.encode())
        blob = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{VERSION}:{_key_id(self._current)}:{blob}"

    def open(self, sealed: str, context: str) -> str:
        try:
            version, key_id, blob = sealed.split(":", 2)
            raw = base64.urlsafe_b64decode(blob)
        except ValueError:
            raise SealError("not a sealed value") from None
        key = self._keys.get(key_id)
        if version != VERSION or key is None:
            raise SealError("sealed with a key that is not configured (ENCRYPTION_KEY)")
        try:
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise SealError("the sealed value does not open with its key") from None
        return plain.decode()

    def is_current(self, sealed: str) -> bool:
        return sealed.split(":", 2)[1:2] == [_key_id(self._current)]


def sealer_for(settings: Settings) -> Sealer:
    """Production requires ENCRYPTION_KEY (app/config.py); development generates one into
    the data directory, shared by the API and the worker."""
    current = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    if current is None:
        current = load_or_create_dev_secret(Path(settings.data_dir), "encryption_key")
    previous = settings.encryption_key_previous
    return _sealer(current, previous.get_secret_value() if previous else None)


@functools.lru_cache(maxsize=8)
def _sealer(current: str, previous: str | None) -> Sealer:
    # Deriving the keys costs more than sealing; a worker seals for every message it sends.
    return Sealer(current, previous)
