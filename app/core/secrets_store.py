"""Development convenience: secrets (the JWT key, the sealing key) generated once and kept
under the data directory."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def load_or_create_dev_secret(data_dir: Path, name: str = "jwt_secret") -> str:
    path = data_dir / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: the API and the worker may start together, and
    # the loser of that race must read the winner's whole secret, never a half-written one.
    fd, spare = tempfile.mkstemp(dir=data_dir, prefix=f".{name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.link(spare, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(spare)
    return path.read_text(encoding="utf-8").strip()
