"""Fixtures of the workflow tests (the fake OpenAI server's come from tests/fakes/fixtures.py,
a plugin of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from app.workflow.providers.openai_writer import OpenAIWriter
from tests.workflow.support import writer_with


@pytest.fixture
async def writer(fake_openai_settings: Settings) -> AsyncIterator[OpenAIWriter]:
    """An OpenAIWriter talking to the fake, with millisecond backoff."""
    writer = writer_with(fake_openai_settings)
    yield writer
    await writer.aclose()
