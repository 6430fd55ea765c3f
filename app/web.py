"""The built web app, served by the API process at `/` (nginx serves it in the container).

Hashed files under `assets/` never change, so browsers keep them for a year; `index.html`
and any path the router owns (`/courses/...`) answer with the app shell, revalidated on
every load so a new release is picked up at once. Unknown `/api/...` paths stay JSON 404s.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class WebApp(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        if path == "api" or path.startswith("api/"):
            raise HTTPException(status_code=404)
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or path.startswith("assets/"):
                raise  # a missing script or image is a 404, not the app shell
            response = await super().get_response("index.html", scope)  # a client route
        assets = path.startswith("assets/") and response.status_code == 200
        response.headers["Cache-Control"] = IMMUTABLE if assets else REVALIDATE
        return response


def mount_web_app(app: FastAPI, directory: Path) -> bool:
    """Serve `directory` at `/` when it holds a build; say whether it did."""
    if not (directory / "index.html").is_file():
        return False
    app.mount("/", WebApp(directory=directory, html=True), name="web")
    return True
