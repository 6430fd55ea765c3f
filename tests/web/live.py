"""The real API serving the web app's production build over HTTP on 127.0.0.1, for browser
tests: uvicorn in the test's event loop, on a socket bound to an ephemeral port."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn

from app.config import Settings
from app.main import create_app
from app.migrate import ROOT

WEB_BUILD = ROOT / "frontend" / "dist"


def ensure_web_build() -> Path:
    """`make test` builds the web app before pytest; a lone pytest run builds it here."""
    if not (WEB_BUILD / "index.html").is_file():
        make = shutil.which("make")
        assert make, "make is needed to build the web app"
        env = {**os.environ, "MAKEFLAGS": ""}
        subprocess.run([make, "web-build"], cwd=ROOT, check=True, timeout=900, env=env)
    return WEB_BUILD


def loopback_listener() -> socket.socket:
    """A socket bound to an ephemeral port on 127.0.0.1, not yet serving: its `site_url`
    is known before the settings are, for a test whose settings must name the site (an
    OAuth redirect URI under PUBLIC_URL)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    return listener


def site_url(listener: socket.socket) -> str:
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


@asynccontextmanager
async def live_server(
    settings: Settings, listener: socket.socket | None = None
) -> AsyncIterator[str]:
    """Serves on `listener` (closed on the way out) or on a new ephemeral port."""
    application = create_app(settings.model_copy(update={"web_app_dir": ensure_web_build()}))
    listener = listener or loopback_listener()
    config = uvicorn.Config(application, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()  # startup failed: raise its error here
        await asyncio.sleep(0.02)
    try:
        yield site_url(listener)
    finally:
        server.should_exit = True
        await task
        listener.close()
