"""Course images for the print and e-book formats, decoded once and looked up by the `src`
a lesson uses (`assets/<name>`). Nothing here fetches: an unknown `src` is simply no image."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from app.assets.images import MEDIA_TYPES
from app.exports.document import CourseDocument
from app.exports.sanitize import ASSET_PREFIX

# What the print and e-book formats draw: what an upload may be (an imported file's asset
# could claim any other type). SVG is left out: it can reference other URLs itself.
IMAGE_TYPES = MEDIA_TYPES


@dataclass(frozen=True)
class CourseImage:
    name: str
    media_type: str
    data: bytes


def decoded_images(document: CourseDocument) -> dict[str, CourseImage]:
    images: dict[str, CourseImage] = {}
    for asset in document.assets:
        try:
            data = base64.b64decode(asset.data_base64, validate=True)
        except (binascii.Error, ValueError):
            continue  # an unreadable asset shows as its alt text, like a missing one
        images[asset.name] = CourseImage(asset.name, asset.media_type.lower(), data)
    return images


def asset_name(src: str) -> str | None:
    """`diagram.png` for `assets/diagram.png`; None for any other URL."""
    if not src.startswith(ASSET_PREFIX):
        return None
    return src[len(ASSET_PREFIX) :] or None
