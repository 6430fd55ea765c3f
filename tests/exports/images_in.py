"""The images an export carries, and the image references its pages make, for any format."""

from __future__ import annotations

import base64
import io
import json
import posixpath
import re
import zipfile
from urllib.parse import unquote

from PIL import Image
from pypdf import PdfReader

from tests.exports.readers import ZIPPED

IMAGE_ENTRY = re.compile(r"\.(?:png|jpe?g|gif|webp)$")
DATA_URL = re.compile(r'src="data:image/[a-z]+;base64,([A-Za-z0-9+/=]+)"')
PAGE_IMAGE = re.compile(r'<img [^>]*src="([^"]+)"')
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def images(fmt: str, data: bytes) -> list[Image.Image]:
    """Every image inside the file, decoded."""
    if fmt == "json":
        found = [base64.b64decode(a["data_base64"]) for a in json.loads(data)["assets"]]
    elif fmt == "html":
        found = [base64.b64decode(b) for b in DATA_URL.findall(data.decode())]
    elif fmt == "pdf":
        reader = PdfReader(io.BytesIO(data))
        return [picture.image for page in reader.pages for picture in page.images]
    else:
        assert fmt in ZIPPED, fmt
        archive = zipfile.ZipFile(io.BytesIO(data))
        found = [archive.read(n) for n in archive.namelist() if IMAGE_ENTRY.search(n)]
    return [Image.open(io.BytesIO(raw)) for raw in found]


def dangling_references(data: bytes) -> list[str]:
    """Image references in a zip's pages (HTML, XHTML, Markdown) that name no entry."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    dangling = []
    for entry in names:
        if not entry.endswith((".html", ".xhtml", ".md")):
            continue
        text = archive.read(entry).decode()
        for src in PAGE_IMAGE.findall(text) + MARKDOWN_IMAGE.findall(text):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(entry), unquote(src)))
            if target not in names:
                dangling.append(f"{entry}: {src}")
    return dangling
