"""Standard Webhooks signatures (https://www.standardwebhooks.com): every delivery carries
`webhook-id`, `webhook-timestamp` and `webhook-signature`, an HMAC-SHA256 over
`{id}.{timestamp}.{body}` keyed with the endpoint's secret. While a secret is being
rotated, the message is signed with both, so receivers can switch at their own pace;
any Standard Webhooks library verifies it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

PREFIX = "whsec_"
SECRET_BYTES = 32
VERSION = "v1"


class SecretError(ValueError):
    """A secret that is not `whsec_` followed by base64 of 24 to 64 bytes."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise SecretError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except ValueError:
        raise SecretError("a webhook secret is whsec_ followed by base64") from None
    if not 24 <= len(key) <= 64:
        raise SecretError("a webhook secret holds 24 to 64 bytes")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode()}"


def headers(
    secrets_in_use: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers of a delivery, signed with every secret in use (the current one
    and, during a rotation, the previous one)."""
    if not secrets_in_use:
        raise SecretError("an endpoint needs a secret to sign with")
    signatures = " ".join(signature(s, message_id, timestamp, body) for s in secrets_in_use)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
    }
