"""A local HTTP server that records every request, to prove a renderer loaded nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.exports.packages import lms
from tests.exports.packages.sample import PIXEL_PNG


@dataclass
class CountingServer:
    base_url: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def counting_server() -> Iterator[CountingServer]:
    """Serves a PNG (or an empty stylesheet) for any GET on 127.0.0.1, recording the path."""
    state = CountingServer(base_url="")

    class Handler(lms.QuietHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            css = self.path.endswith(".css")
            body = b"" if css else PIXEL_PNG
            self.send_response(200)
            self.send_header("Content-Type", "text/css" if css else "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with tempfile.TemporaryDirectory() as root, lms.serve(Path(root), Handler) as base_url:
        state.base_url = base_url
        yield state
