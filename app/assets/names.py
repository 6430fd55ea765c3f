"""Asset names: what lessons write after `assets/`, so plain, lower-case and unique."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

MAX_STEM = 60
_NOT_ALLOWED = re.compile(r"[^a-z0-9]+")
NAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.(?:png|jpg|gif|webp)")


def stem_of(filename: str) -> str:
    """`Diagram (final).PNG` -> `diagram-final`; `image` when nothing usable is left."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = base.rsplit(".", 1)[0] if "." in base else base
    ascii_only = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = _NOT_ALLOWED.sub("-", ascii_only.lower()).strip("-")[:MAX_STEM].strip("-")
    return stem or "image"


def free_name(stem: str, extension: str, taken: Container[str]) -> str:
    """`stem.ext`, or `stem-2.ext`, `stem-3.ext`... whichever is not taken yet."""
    name, n = f"{stem}.{extension}", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.{extension}"
    return name
