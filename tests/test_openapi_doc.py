"""The web app's API client is generated from frontend/src/api/openapi.json: it must be the
API as it is now, or the client would call routes and shapes that no longer exist."""

from __future__ import annotations

from pathlib import Path

from app.core.openapi_doc import openapi_document

STORED = Path(__file__).resolve().parent.parent / "frontend" / "src" / "api" / "openapi.json"


def test_the_stored_openapi_document_is_current() -> None:
    assert STORED.is_file(), f"{STORED} is missing: run `make api-client`"
    assert STORED.read_text(encoding="utf-8") == openapi_document(), (
        "frontend/src/api/openapi.json is out of date: run `make api-client`"
    )
