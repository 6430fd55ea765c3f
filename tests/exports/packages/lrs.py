"""A stand-in cmi5 LMS/LRS on 127.0.0.1: the one-time fetch URL, the xAPI state and statement
resources a cmi5 AU uses, and static files, on one origin so the AU needs no CORS."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.exports.packages import lms

TOKEN = "Y291cnpseTp0ZXN0"  # what the fetch URL hands out, base64 of "courzly:test"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


@dataclass
class Records:
    launch_data: dict[str, Any] = field(default_factory=dict)
    fetches: int = 0
    statements: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    states: dict[str, Any] = field(default_factory=dict)

    def verbs(self) -> list[str]:
        return [s["verb"]["id"].rsplit("/", 1)[-1] for s in self.statements]


class _Handler(lms.QuietHandler):
    records: Records

    def _reply(self, status: int, body: object = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")

    def _authorized(self) -> bool:
        self.records.headers.append(dict(self.headers))
        return self.headers.get("Authorization") == f"Basic {TOKEN}"

    def _state_id(self) -> str | None:
        return parse_qs(urlsplit(self.path).query).get("stateId", [None])[0]

    def do_GET(self) -> None:
        if not self.path.startswith("/xapi/"):
            super().do_GET()
        elif not self._authorized():
            self._reply(401)
        elif self._state_id() is None:
            # xAPI's multiple-document GET: the ids of the documents stored.
            self._reply(200, ["LMS.LaunchData", *self.records.states])
        elif self._state_id() == "LMS.LaunchData":
            self._reply(200, self.records.launch_data)
        elif self._state_id() in self.records.states:
            self._reply(200, self.records.states[self._state_id() or ""])
        else:
            self._reply(404)

    def do_POST(self) -> None:
        if self.path == "/fetch":
            # cmi5: the fetch URL answers once per launch; a second call gets an error.
            self.records.fetches += 1
            first = self.records.fetches == 1
            self._reply(200, {"auth-token": TOKEN} if first else {"error-code": "1"})
        elif self.path == "/xapi/statements" and self._authorized():
            statement = self._body()
            self.records.statements.append(statement)
            self._reply(200, [statement["id"]])
        else:
            self._reply(401)

    def do_PUT(self) -> None:
        if self.path.startswith("/xapi/activities/state") and self._authorized():
            state_id = self._state_id()
            if state_id is None:
                self._reply(400)
                return
            self.records.states[state_id] = self._body()
            self._reply(204)
        else:
            self._reply(401)


@contextlib.contextmanager
def serve(root: Path, records: Records) -> Iterator[str]:
    """The stand-in LRS and the files under `root`, on 127.0.0.1, writing to `records`."""
    with lms.serve(root, type("Handler", (_Handler,), {"records": records})) as base:
        yield base
