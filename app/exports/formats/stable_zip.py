"""Zips written by libraries (python-docx, ebooklib) carry the current time in every entry;
restamping them makes the same course render to the same bytes."""

from __future__ import annotations

import io
import zipfile

from app.exports.packages.files import fixed_entry


def restamped(data: bytes) -> bytes:
    """`data` (a zip) with fixed entry times and modes; order and compression are kept, so an
    EPUB's leading, uncompressed `mimetype` entry stays first and uncompressed."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        for entry in source.infolist():
            target.writestr(fixed_entry(entry.filename, entry.compress_type), source.read(entry))
    return output.getvalue()
