from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from app.config import Settings
from tests.fakes.openai_server import FakeOpenAI
from tests.workers import running_worker


@pytest.fixture
async def offline_worker(settings: Settings) -> AsyncIterator[None]:
    """An in-process worker without an API key: the offline writer."""
    async with running_worker(settings):
        yield


@pytest.fixture
async def ai_worker(settings: Settings, fake_openai: FakeOpenAI) -> AsyncIterator[FakeOpenAI]:
    """An in-process worker whose writer is the real `openai` client talking to the fake."""
    with_key = settings.model_copy(
        update={
            "openai_api_key": SecretStr(fake_openai.api_key or "sk-fake"),
            "openai_base_url": fake_openai.base_url,
            "openai_max_retries": 1,
        }
    )
    async with running_worker(with_key):
        yield fake_openai
