"""Headless Chromium for the browser tests: Debian's chromium, one per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from tests.exports.packages import lms


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(lms.ensure_chromium()), args=lms.CHROMIUM_FLAGS
        )
        yield chromium
        await chromium.close()
