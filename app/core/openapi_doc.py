"""The API's OpenAPI document as the web app's client is generated from it.

Written to frontend/src/api/openapi.json by `courzly openapi` (`make api-client`), with
sorted keys so a change in the API shows as a small diff; a test fails when it is stale.
"""

from __future__ import annotations

import json

from fastapi import FastAPI

from app.core.api import API_PREFIX, API_TITLE, API_VERSION


def openapi_document() -> str:
    from app.main import include_routers

    app = FastAPI(title=API_TITLE, version=API_VERSION, openapi_url=f"{API_PREFIX}/openapi.json")
    include_routers(app)
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
