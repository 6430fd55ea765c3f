"""Helpers shared by the OpenAIWriter tests."""

from __future__ import annotations

import time

from app.config import Settings
from app.workflow.providers.llm import LLMClient
from app.workflow.providers.openai_writer import OpenAIWriter
from app.workflow.providers.retry import Backoff

QUICK = Backoff(base_seconds=0.01, cap_seconds=0.05)  # retries without slowing the suite


def writer_with(settings: Settings) -> OpenAIWriter:
    return OpenAIWriter(settings, llm=LLMClient(settings, backoff=QUICK))


class Tokens:
    """An `on_token` sink that remembers what arrived and when."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.at: list[float] = []

    async def __call__(self, token: str) -> None:
        self.received.append(token)
        self.at.append(time.monotonic())
