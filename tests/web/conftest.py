"""Browser tests of the web app: Chromium, the real API serving the build, a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from app.config import Settings
from tests.web.live import live_server
from tests.workers import running_worker


@pytest.fixture
async def site(settings: Settings, app: object) -> AsyncIterator[str]:
    async with live_server(settings) as base:
        yield base


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context()
    opened = await context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    await context.close()
    assert problems == [], problems


@pytest.fixture
async def worker(settings: Settings) -> AsyncIterator[None]:
    """A job worker (offline writer, no API key) for runs and exports started in the page."""
    async with running_worker(settings):
        yield
