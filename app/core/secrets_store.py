"""Development convenience: a JWT secret generated once and kept under the data directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_dev_secret(data_dir: Path) -> str:
    path = data_dir / "jwt_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret
