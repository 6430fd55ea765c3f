"""Source material from an upload: plain text from .md, .txt or .pdf, size-limited."""

from __future__ import annotations

import io
from pathlib import PurePath

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.core.schemas import multi_line
from app.workflow.errors import SourceTooLarge, UnsupportedSource
from app.workflow.schemas import SourceText

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}


def too_large(size: int, limit: int) -> SourceTooLarge:
    return SourceTooLarge(
        f"The source file is larger than the limit of {limit} bytes (MAX_SOURCE_BYTES).",
        extra={"limit_bytes": limit, "size_bytes": size},
    )


def extract(filename: str, data: bytes, limit: int) -> SourceText:
    if len(data) > limit:
        raise too_large(len(data), limit)
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = _decode(data)
    elif suffix == ".pdf":
        text = _pdf_text(data)
    else:
        raise UnsupportedSource
    try:
        cleaned = multi_line(text.replace("\x00", ""))
    except ValueError as exc:
        raise UnsupportedSource(f"The file's text cannot be used: {exc}.") from exc
    if len(cleaned.encode()) > limit:
        raise too_large(len(cleaned.encode()), limit)
    return SourceText(
        filename=PurePath(filename).name[:200],
        bytes=len(data),
        characters=len(cleaned),
        text=cleaned,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedSource("Text files must be UTF-8.") from exc


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n\n".join((page.extract_text() or "") for page in reader.pages)
    # PyPdfError covers encrypted files too (their decryption needs a package we leave out).
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise UnsupportedSource("The PDF could not be read (damaged or encrypted).") from exc
