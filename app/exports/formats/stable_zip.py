"""Zips written by libraries (python-docx, ebooklib) carry the current time in every entry;
restamping them makes the same course render to the same bytes."""

from __future__ import annotations

import io
import zipfile

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def restamped(data: bytes) -> bytes:
    """`data` (a zip) with fixed entry times and modes; order and compression are kept, so an
    EPUB's leading, uncompressed `mimetype` entry stays first and uncompressed."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        for entry in source.infolist():
            copy = zipfile.ZipInfo(entry.filename, date_time=_ZIP_EPOCH)
            copy.compress_type = entry.compress_type
            copy.external_attr = 0o644 << 16
            copy.create_system = 3  # Unix, so the mode above is what unzip applies
            target.writestr(copy, source.read(entry))
    return output.getvalue()
