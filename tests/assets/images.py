"""Real image files, made by Pillow, for uploads and exports."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), color: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def png(color: str = "teal", size: tuple[int, int] = (40, 30)) -> bytes:
    return image_bytes("PNG", size, color)
