"""A fake of Google's OAuth 2.0 endpoints and the Drive v3 calls Courzly makes, over real
HTTP, strict where Google is strict (PKCE, one-time codes, registered redirect URIs,
chunk alignment, `parents` not writable on update) so client mistakes fail tests.

In tests: the `fake_google` fixture (tests/fakes/google_fixtures.py). Handlers run under
one lock, so test code may call the controls while the server thread is answering.
Drive resources carry every field whatever `fields` asks for.

Modules: `state` (records, faults, the shared `GoogleState`), `query` (Drive's `q`),
`oauth` and `drive` (the handlers), `errors` (Google's error bodies), `server`
(`FakeGoogle`, its test controls and routes, and `serving`).
"""

from tests.fakes.google.query import parse_query
from tests.fakes.google.server import FakeGoogle, serving
from tests.fakes.google.state import (
    CHUNK_UNIT,
    DRIVE,
    DRIVE_FILE,
    FOLDER,
    Endpoint,
    FakeFile,
    Fault,
    Hold,
    RecordedRequest,
)

__all__ = [
    "CHUNK_UNIT",
    "DRIVE",
    "DRIVE_FILE",
    "FOLDER",
    "Endpoint",
    "FakeFile",
    "FakeGoogle",
    "Fault",
    "Hold",
    "RecordedRequest",
    "parse_query",
    "serving",
]
