"""The real checkers the monitoring tests run, from Debian's packages (`make test` installs
them through scripts/ensure-packages.sh): a missing one fails the test, never skips it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from threading import Thread

from app.migrate import ROOT
from tests.realtime.live import free_port

__all__ = ["free_port", "run_tool", "serving", "tool_path"]


def tool_path(tool: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} is missing: `make test` installs it (scripts/ensure-packages.sh)"
    return found


def run_tool(tool: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool_path(tool), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    """An HTTP server answering from a thread until the block ends."""
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
