"""Headless Chromium for browser tests: Debian's chromium, driven by pip playwright.

Playwright's own browser download is not reachable here, so the system browser is used
(installed through apt when missing and running as root), with the flags every test shares.
"""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from app.migrate import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def ensure_chromium() -> Path:
    if not CHROMIUM.exists():
        subprocess.run(
            [str(ROOT / "scripts" / "ensure-packages.sh"), "chromium"], check=True, timeout=900
        )
    return CHROMIUM


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(ensure_chromium()), args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            await browser.close()
