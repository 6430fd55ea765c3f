from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from tests.workers import running_worker


@pytest.fixture
async def export_worker(settings: Settings) -> AsyncIterator[None]:
    """An in-process worker; it stores exports where the app under test reads them."""
    async with running_worker(settings):
        yield
