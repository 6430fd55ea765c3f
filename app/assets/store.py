"""Asset bytes on disk: `<MEDIA_DIR>/<course id>/<sha256>`. A name never changes its bytes,
so files are written once and backed up by copying new files only (the hourly media sync)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from pathlib import Path

from app.config import Settings


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, settings: Settings) -> MediaStore:
        return cls(settings.resolved_media_dir)

    def path(self, course_id: uuid.UUID, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / str(course_id) / sha256

    async def put(self, course_id: uuid.UUID, sha256: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.path(course_id, sha256), data)

    async def read(self, course_id: uuid.UUID, sha256: str) -> bytes:
        return await asyncio.to_thread(self.path(course_id, sha256).read_bytes)

    async def remove(self, course_id: uuid.UUID, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self.path(course_id, sha256).unlink)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write then rename: a reader never sees half a file. Same name, same bytes, so an
        existing file is kept as it is."""
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
