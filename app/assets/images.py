"""What an uploaded file really is: its type read from its own bytes by Pillow, never from
the name or the Content-Type the client sent, and its size in pixels.

SVG is refused: it can carry scripts and point at other URLs, and exports never fetch."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from app.assets.errors import AssetTooLarge, AssetTypeRefused, AssetUnreadable

# Pillow's format name -> (media type, file extension).
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
MEDIA_TYPES = frozenset(media_type for media_type, _ in FORMATS.values())
MAX_PIXELS = 50_000_000  # far above any lesson image; stops decompression bombs early


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    extension: str
    width: int
    height: int


def inspect(data: bytes, limit_bytes: int) -> ImageInfo:
    """The image's type and size; a clear error for anything that is not one we keep."""
    if len(data) > limit_bytes:
        raise AssetTooLarge(
            f"The image is larger than the limit of {limit_bytes} bytes (MAX_ASSET_BYTES).",
            extra={"limit_bytes": limit_bytes},
        )
    if not data:
        raise AssetUnreadable("The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the four parsers we keep: the others never see untrusted bytes.
            with Image.open(io.BytesIO(data), formats=tuple(FORMATS)) as image:
                found = FORMATS.get(image.format or "")
                if found is None:
                    raise AssetTypeRefused(extra={"found": image.format})
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise AssetUnreadable(
                        f"The image is {width}x{height} pixels; the limit is "
                        f"{MAX_PIXELS // 1_000_000} megapixels."
                    )
                image.verify()  # reads the whole file: truncated or corrupt data fails here
    except UnidentifiedImageError as exc:
        raise AssetTypeRefused() from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise AssetUnreadable("The image is too large in pixels to be a lesson image.") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # what Pillow raises for broken files
        raise AssetUnreadable("The image is damaged or truncated.") from exc
    media_type, extension = found
    return ImageInfo(media_type, extension, width, height)
