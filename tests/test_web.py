"""The built web app served at `/` by the API process: shell, client routes, cache headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app

SHELL = '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1a2b.js">'


@pytest.fixture
async def web(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(SHELL)
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('app');")
    application = create_app(settings.model_copy(update={"web_app_dir": tmp_path}))
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://courzly.test"
        ) as client,
    ):
        yield client


async def test_the_shell_is_served_and_revalidated(web: httpx.AsyncClient) -> None:
    for path in ("/", "/index.html", "/courses/42/lessons/7", "/sign-in"):
        response = await web.get(path)
        assert response.status_code == 200, path
        assert response.text == SHELL, path
        assert response.headers["cache-control"] == "no-cache", path


async def test_hashed_assets_are_cached_for_a_year(web: httpx.AsyncClient) -> None:
    response = await web.get("/assets/app-1a2b.js")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await web.get("/assets/gone-9z9z.js")).status_code == 404


async def test_the_api_keeps_its_routes_and_json_errors(web: httpx.AsyncClient) -> None:
    assert (await web.get("/healthz")).status_code == 200
    assert (await web.get("/api/v1/auth/me")).status_code == 401  # a route, not the shell
    missing = await web.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/json")
    assert (await web.get("/api")).status_code == 404


async def test_without_a_build_only_the_api_is_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).status_code == 404
    assert (await client.get("/healthz")).status_code == 200
