"""Source material uploads: .md, .txt and .pdf become text; anything else is refused."""

from __future__ import annotations

import httpx
import pytest

from app.core.permissions import Role
from tests.factories import Factory


def _pdf(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica, offsets computed so readers accept it."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


async def _upload(
    client: httpx.AsyncClient, factory: Factory, name: str, data: bytes
) -> httpx.Response:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    return await client.post(
        f"/api/v1/courses/{course.id}/sources",
        files={"file": (name, data, "application/octet-stream")},
        headers=await factory.headers(editor),
    )


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        (
            "notes.md",
            b"# Branches\n\nA branch is a pointer.",
            "# Branches\n\nA branch is a pointer.",
        ),
        ("notes.txt", "\ufeffCaf\u00e9 cr\u00e8me".encode(), "Caf\u00e9 cr\u00e8me"),
        ("slides.pdf", _pdf("Merging joins two histories"), "Merging joins two histories"),
    ],
)
async def test_text_comes_out_of_each_supported_file(
    client: httpx.AsyncClient, factory: Factory, name: str, data: bytes, text: str
) -> None:
    response = await _upload(client, factory, name, data)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["text"] == text
    assert body["bytes"] == len(data)
    assert body["filename"] == name


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("tool.exe", b"MZ\x90\x00", 415),
        ("latin1.txt", "caf\u00e9".encode("latin-1"), 415),
        ("broken.pdf", b"%PDF-1.4 not really", 415),
        ("huge.md", b"x" * 500_001, 413),
    ],
)
async def test_unusable_files_are_refused_clearly(
    client: httpx.AsyncClient, factory: Factory, name: str, data: bytes, status: int
) -> None:
    response = await _upload(client, factory, name, data)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
