"""Browser tests of the web app: Chromium, the real API serving the build, a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page
from pydantic import SecretStr

from app.config import Settings
from tests.fakes.openai_server import FakeOpenAI
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


@pytest.fixture
def ai_settings(settings: Settings, fake_openai: FakeOpenAI) -> Settings:
    """The app and its workers writing with the official `openai` client, over HTTP, to the
    fake OpenAI server (no offline writer anywhere)."""
    return settings.model_copy(
        update={
            "openai_api_key": SecretStr(fake_openai.api_key or "sk-fake"),
            "openai_base_url": fake_openai.base_url,
            "openai_max_retries": 1,
        }
    )


@pytest.fixture
async def ai_site(ai_settings: Settings, app: object) -> AsyncIterator[str]:
    async with live_server(ai_settings) as base:
        yield base


@pytest.fixture
async def ai_worker(ai_settings: Settings) -> AsyncIterator[None]:
    async with running_worker(ai_settings):
        yield
