"""Shared pieces of the bad-input tests: the world they run in, targets, assertions.

Every error body is {"error": str, "detail": str, "request_id": <the X-Request-ID header>};
validation errors are 422 "validation_error" with a "fields" list, malformed JSON is 400
"malformed_json" and oversize bodies are 413 "payload_too_large". Tests that send bad input
to a writing endpoint re-read the state afterwards through the API (course list and totals,
the course and its version, the users, the audit log) and require it unchanged.

To stay broad without multiplying every case by every endpoint, `spread` runs every bad
value against the first endpoint and the first few values against all the others.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

API = "/api/v1"
JSON = {"content-type": "application/json"}
GENERATED_REQUEST_ID = re.compile(r"[0-9a-f]{32}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class World:
    """An admin, their course with one module and lesson, and a user who is no member."""

    headers: dict[str, str]
    admin_email: str
    course: str
    module: str
    lesson: str
    other: str

    def url(self, template: str) -> str:
        return API + template.format(
            course=self.course, module=self.module, lesson=self.lesson, other=self.other
        )


async def snapshot(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """What a bad request could have changed, read back as the admin. Every mutation writes
    an audit entry in its own transaction, so the audit log also covers members, modules and
    lessons."""
    reads = {
        "courses": ("/courses", {"page_size": 100}),
        "course": ("/courses/{course}", None),
        "users": ("/users", {"page_size": 100}),
        "audit": ("/audit", {"page_size": 100}),
    }
    state: dict[str, Any] = {}
    for name, (path, params) in reads.items():
        response = await client.get(world.url(path), params=params, headers=world.headers)
        assert response.status_code == 200, response.text
        state[name] = response.json()
    return state


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """`status` with the project's one error body shape and error code `error`."""
    assert response.status_code == status, response.text
    assert response.headers.get("content-type", "").startswith("application/json"), (
        response.headers,
        response.text,
    )
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert isinstance(body["detail"], str), body
    assert body["detail"], body
    assert isinstance(body["request_id"], str), body
    assert body["request_id"] == response.headers.get("x-request-id"), (body, response.headers)
    if error == "validation_error":
        assert body["fields"], body
        for field in body["fields"]:
            assert set(field) == {"loc", "msg", "type"}, field
    return body


def assert_invalid(
    response: httpx.Response, loc: Iterable[str | int], kind: str | None = None
) -> None:
    """A 422 that names the field at `loc` (with error type `kind`, when given)."""
    body = assert_error(response, 422, "validation_error")
    found = {(tuple(f["loc"]), f["type"]) for f in body["fields"]}
    if kind is None:
        assert tuple(loc) in {where for where, _ in found}, body["fields"]
    else:
        assert (tuple(loc), kind) in found, body["fields"]


def raw_json(template: dict[str, Any], escape: str) -> bytes:
    """`template` as JSON text with the string "@@" replaced by `escape` verbatim, so that
    escapes json.dumps never writes (a lone surrogate, \\ud800) reach the app as sent."""
    return json.dumps(template).replace("@@", escape).encode()


def spread(targets: Sequence[Any], values: Sequence[Any], few: int = 1) -> list[Any]:
    """Every value (a pytest.param) against the first target, and the first `few` values
    against the other targets."""
    first, *others = targets
    pairs = [(first, v) for v in values] + [(t, v) for t in others for v in values[:few]]
    return [pytest.param(*t.values, *v.values, id=f"{t.id}-{v.id}") for t, v in pairs]


@dataclass(frozen=True)
class Target:
    """A real endpoint taking a JSON body, and a body it accepts."""

    name: str
    method: str
    path: str
    valid: dict[str, Any]

    def param(self) -> Any:
        return pytest.param(self, id=self.name)

    def body_with(self, path: Sequence[str | int], value: Any) -> dict[str, Any]:
        """The valid body with `value` placed at `path` (containers created on the way)."""
        body: Any = json.loads(json.dumps(self.valid))
        node = body
        for key, following in itertools.pairwise(path):
            if isinstance(key, int):
                node = node[key]
            else:
                node = node.setdefault(key, [""] if isinstance(following, int) else {})
        node[path[-1]] = value
        return dict(body)

    async def send(
        self,
        client: httpx.AsyncClient,
        world: World,
        *,
        json_body: Any = None,
        content: Any = None,
        headers: dict[str, Any] | None = None,
    ) -> httpx.Response:
        if json_body is not None:  # raw UTF-8, as browsers send it
            content = json.dumps(json_body, ensure_ascii=False).encode()
            headers = {**JSON, **(headers or {})}
        return await client.request(
            self.method,
            world.url(self.path),
            content=content,
            headers={**world.headers, **(headers or {})},
        )


CREATE_COURSE = Target("course.create", "POST", "/courses", {"title": "A fine title"})
UPDATE_COURSE = Target(
    "course.update", "PATCH", "/courses/{course}", {"title": "A fine title", "version": 1}
)
SET_MEMBER = Target("member.set", "PUT", "/courses/{course}/members/{other}", {"role": "viewer"})
CREATE_USER = Target(
    "user.create",
    "POST",
    "/users",
    {"email": "new.person@example.com", "display_name": "New", "password": "x" * 16},
)
UPDATE_USER = Target(
    "user.update", "PATCH", "/users/{other}", {"display_name": "Renamed", "version": 1}
)
LOGIN = Target(
    "login", "POST", "/auth/login", {"email": "nobody@example.com", "password": "secret"}
)
CREATE_MODULE = Target("module.create", "POST", "/courses/{course}/modules", {"title": "Two"})
CREATE_LESSON = Target(
    "lesson.create", "POST", "/courses/{course}/modules/{module}/lessons", {"title": "Two"}
)
UPDATE_LESSON = Target(
    "lesson.update",
    "PATCH",
    "/courses/{course}/lessons/{lesson}",
    {"title": "Renamed", "version": 1},
)
CREATE_WEBHOOK = Target(
    "webhook.create",
    "POST",
    "/webhooks",
    {"url": "http://127.0.0.1:9/in", "events": ["run.failed"]},
)
CREATE_COURSE_WEBHOOK = Target(
    "course_webhook.create",
    "POST",
    "/courses/{course}/webhooks",
    {"url": "http://127.0.0.1:9/in", "events": ["export.ready"]},
)
SET_PREFERENCES = Target(
    "preferences.set", "PUT", "/notifications/preferences", {"preferences": {"run_failed": False}}
)
BODY_TARGETS = [
    t.param()
    for t in (
        CREATE_COURSE,
        UPDATE_COURSE,
        SET_MEMBER,
        CREATE_USER,
        UPDATE_USER,
        LOGIN,
        CREATE_MODULE,
        CREATE_LESSON,
        UPDATE_LESSON,
        CREATE_WEBHOOK,
        CREATE_COURSE_WEBHOOK,
        SET_PREFERENCES,
    )
]
