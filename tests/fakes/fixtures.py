"""Pytest fixtures for the fake OpenAI server.

Load with `pytest_plugins = ["tests.fakes.fixtures"]` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import Environment, Settings
from tests.fakes.openai_server import FakeOpenAI, serving

FAKE_API_KEY = "sk-courzly-fake-key"


@pytest.fixture(scope="session")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """One server for the whole run; use `fake_openai`, which resets it per test."""
    with serving(FakeOpenAI(api_key=FAKE_API_KEY)) as fake:
        yield fake


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake with no faults, no latency, the default responder and an empty log."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()


@pytest.fixture
def fake_openai_settings(fake_openai: FakeOpenAI) -> Settings:
    """Settings that talk to the fake only (no database): quick retries, short timeout."""
    return Settings.model_validate(
        {
            "COURZLY_ENV": Environment.TEST,
            **fake_openai.settings_overrides(),
            "OPENAI_MAX_RETRIES": 2,
            "OPENAI_TIMEOUT_SECONDS": 10,
            "OPENAI_TEMPERATURE": 0.3,
            # Explicit, so a developer's own OPENAI_MODEL_* variables cannot leak in.
            "OPENAI_MODEL_OUTLINE": "fake-outline-model",
            "OPENAI_MODEL_LESSON": "fake-lesson-model",
            "OPENAI_MODEL_QUIZ": "fake-quiz-model",
            "OPENAI_MODEL_CHAT": "fake-chat-model",
        }
    )
