"""Bad input gets a clear 4xx in the one error body shape, never a 500, and changes nothing.

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
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from app.core.permissions import Role
from tests.conftest import TEST_CLIENT_IP
from tests.factories import PASSWORD, Factory

API = "/api/v1"
JSON = {"content-type": "application/json"}
GENERATED_REQUEST_ID = re.compile(r"[0-9a-f]{32}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# --- harness ---------------------------------------------------------------------------------


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """conftest's client, except that an unhandled error comes back as the 500 response a
    real client would get instead of being raised into the test, so a failing case reports
    "expected 422, got 500" together with the response body."""
    transport = httpx.ASGITransport(
        app=app, raise_app_exceptions=False, client=(TEST_CLIENT_IP, 40000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://courzly.test") as c:
        yield c


@pytest.fixture
def limit(app: Any) -> int:
    max_bytes: int = app.state.settings.max_request_body_bytes
    return max_bytes


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


@pytest.fixture
async def world(factory: Factory) -> World:
    admin = await factory.user(Role.ADMIN)
    other = await factory.user()
    course = await factory.course(admin)
    module, lesson = await factory.lesson(course, admin)
    return World(
        headers=await factory.headers(admin),
        admin_email=admin.email,
        course=str(course.id),
        module=str(module.id),
        lesson=str(lesson.id),
        other=str(other.id),
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
    )
]


# --- malformed JSON --------------------------------------------------------------------------

MALFORMED = [
    pytest.param(b'{"title": "abc"', id="truncated"),
    pytest.param(b'{"title": "abc"} trailing', id="trailing-garbage"),
    pytest.param(b'{"title": "abc', id="unterminated-string"),
    pytest.param(b'{"title": "abc"}{}', id="two-documents"),
    pytest.param(b"{'title': 'abc'}", id="single-quotes"),
    pytest.param(b'{"title": "abc",}', id="trailing-comma"),
    pytest.param(b'{"title": /* c */ "abc"}', id="comment"),
    pytest.param(b"title=abc", id="form-encoded"),
    pytest.param(b'{"title": "\xff\xfe"}', id="invalid-utf-8"),
    pytest.param(b'{"title": "caf\xe9"}', id="latin-1-not-utf-8"),
]


@pytest.mark.parametrize(("target", "content"), spread(BODY_TARGETS, MALFORMED, few=2))
async def test_malformed_json_is_400(
    client: httpx.AsyncClient, world: World, target: Target, content: bytes
) -> None:
    before = await snapshot(client, world)
    response = await target.send(client, world, content=content, headers=JSON)
    body = assert_error(response, 400, "malformed_json")
    assert "fields" not in body
    assert await snapshot(client, world) == before


async def test_too_deeply_nested_json_is_400(client: httpx.AsyncClient, world: World) -> None:
    before = await snapshot(client, world)
    content = b'{"title": "x", "brief": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = await CREATE_COURSE.send(client, world, content=content, headers=JSON)
    assert_error(response, 400, "malformed_json")
    assert await snapshot(client, world) == before


NOT_AN_OBJECT = [
    pytest.param(b"", "missing", id="empty-body"),
    pytest.param(b'[{"title": "abc"}]', "model_attributes_type", id="array"),
    pytest.param(b"[]", "model_attributes_type", id="empty-array"),
    pytest.param(b'"abc"', "model_attributes_type", id="string"),
    pytest.param(b"42", "model_attributes_type", id="number"),
    pytest.param(b"null", "model_attributes_type", id="null"),
]


@pytest.mark.parametrize(("target", "content", "kind"), spread(BODY_TARGETS, NOT_AN_OBJECT, few=2))
async def test_body_that_is_not_a_json_object_is_422(
    client: httpx.AsyncClient, world: World, target: Target, content: bytes, kind: str
) -> None:
    before = await snapshot(client, world)
    response = await target.send(client, world, content=content, headers=JSON)
    assert_invalid(response, ["body"], kind)
    assert await snapshot(client, world) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_json_sent_as_another_content_type_is_422(
    client: httpx.AsyncClient, world: World, content_type: str
) -> None:
    before = await snapshot(client, world)
    content = json.dumps(CREATE_COURSE.valid).encode()
    response = await CREATE_COURSE.send(
        client, world, content=content, headers={"content-type": content_type}
    )
    assert_invalid(response, ["body"])
    assert await snapshot(client, world) == before


# --- wrong types, missing and unknown fields -------------------------------------------------


def case(target: Target, body: dict[str, Any], loc: list[str | int], kind: str | None) -> Any:
    return pytest.param(target, body, loc, kind, id=f"{target.name}-{'.'.join(map(str, loc))}")


WRONG_FIELDS = [
    case(CREATE_COURSE, {"title": 123}, ["title"], "string_type"),
    case(CREATE_COURSE, {"title": True}, ["title"], "string_type"),
    case(CREATE_COURSE, {"title": ["x"]}, ["title"], "string_type"),
    case(CREATE_COURSE, {"title": {"text": "x"}}, ["title"], "string_type"),
    case(CREATE_COURSE, {"title": None}, ["title"], "string_type"),
    case(CREATE_COURSE, {}, ["title"], "missing"),
    case(CREATE_COURSE, {"slug": "no-title"}, ["title"], "missing"),
    case(CREATE_COURSE, {"title": "x", "owner_id": str(uuid.uuid4())}, ["owner_id"], None),
    case(CREATE_COURSE, {"title": "x", "status": "approved"}, ["status"], "extra_forbidden"),
    case(CREATE_COURSE, {"title": "x", "brief": "short"}, ["brief"], "model_attributes_type"),
    case(CREATE_COURSE, {"title": "x", "brief": ["a"]}, ["brief"], "model_attributes_type"),
    case(CREATE_COURSE, {"title": "x", "brief": 7}, ["brief"], "model_attributes_type"),
    case(CREATE_COURSE, {"title": "x", "brief": {"mood": 1}}, ["brief", "mood"], None),
    case(
        CREATE_COURSE,
        {"title": "x", "brief": {"duration_minutes": "sixty"}},
        ["brief", "duration_minutes"],
        "int_parsing",
    ),
    case(
        CREATE_COURSE,
        {"title": "x", "brief": {"duration_minutes": 10**12}},
        ["brief", "duration_minutes"],
        "less_than_equal",
    ),
    case(
        CREATE_COURSE,
        {"title": "x", "brief": {"learning_objectives": "learn"}},
        ["brief", "learning_objectives"],
        "list_type",
    ),
    case(CREATE_COURSE, {"title": "x", "brief": {"level": "expert"}}, ["brief", "level"], "enum"),
    case(CREATE_COURSE, {"title": "x", "slug": "Not A Slug"}, ["slug"], "string_pattern_mismatch"),
    case(
        CREATE_COURSE,
        {"title": "x", "slug": "a'; DROP TABLE courses;--"},
        ["slug"],
        "string_pattern_mismatch",
    ),
    case(
        CREATE_COURSE,
        {"title": "x", "language": "english!"},
        ["language"],
        "string_pattern_mismatch",
    ),
    # An explicit null for a field the row cannot be without.
    case(UPDATE_COURSE, {"title": None, "version": 1}, ["title"], None),
    case(UPDATE_COURSE, {"slug": None, "version": 1}, ["slug"], None),
    case(UPDATE_COURSE, {"language": None, "version": 1}, ["language"], None),
    case(UPDATE_COURSE, {"brief": None, "version": 1}, ["brief"], None),
    case(UPDATE_COURSE, {"status": None, "version": 1}, ["status"], None),
    case(UPDATE_COURSE, {"title": 5, "version": 1}, ["title"], "string_type"),
    case(UPDATE_COURSE, {"status": "published", "version": 1}, ["status"], "enum"),
    case(UPDATE_COURSE, {"title": "x", "version": 0}, ["version"], "greater_than_equal"),
    case(UPDATE_COURSE, {"title": "x", "version": "one"}, ["version"], "int_parsing"),
    case(UPDATE_COURSE, {"title": "x", "version": 1, "owner_id": "x"}, ["owner_id"], None),
    case(UPDATE_COURSE, {"brief": {"tone": 3}, "version": 1}, ["brief", "tone"], "string_type"),
    case(SET_MEMBER, {}, ["role"], "missing"),
    case(SET_MEMBER, {"role": "owner"}, ["role"], "enum"),
    case(SET_MEMBER, {"role": "ADMIN"}, ["role"], "enum"),
    case(SET_MEMBER, {"role": 1}, ["role"], "enum"),
    case(SET_MEMBER, {"role": None}, ["role"], "enum"),
    case(SET_MEMBER, {"role": "viewer", "course_id": "x"}, ["course_id"], "extra_forbidden"),
    case(CREATE_USER, {**CREATE_USER.valid, "email": "not-an-email"}, ["email"], "value_error"),
    case(CREATE_USER, {**CREATE_USER.valid, "email": 7}, ["email"], "string_type"),
    case(CREATE_USER, {**CREATE_USER.valid, "password": "short"}, ["password"], "string_too_short"),
    case(CREATE_USER, {**CREATE_USER.valid, "display_name": 5}, ["display_name"], "string_type"),
    case(CREATE_USER, {**CREATE_USER.valid, "role": "root"}, ["role"], "enum"),
    case(CREATE_USER, {**CREATE_USER.valid, "is_admin": True}, ["is_admin"], "extra_forbidden"),
    case(CREATE_USER, {"email": "a@example.com", "password": "x" * 16}, ["display_name"], None),
    case(UPDATE_USER, {"display_name": None, "version": 1}, ["display_name"], None),
    case(UPDATE_USER, {"is_active": None, "version": 1}, ["is_active"], None),
    case(UPDATE_USER, {"is_active": "perhaps", "version": 1}, ["is_active"], "bool_parsing"),
    case(LOGIN, {"email": "a@example.com"}, ["password"], "missing"),
    case(LOGIN, {"password": "secret"}, ["email"], "missing"),
    case(LOGIN, {"email": 5, "password": "secret"}, ["email"], "string_type"),
    case(LOGIN, {"email": "a@example.com", "password": ""}, ["password"], "string_too_short"),
    case(LOGIN, {**LOGIN.valid, "remember_me": True}, ["remember_me"], "extra_forbidden"),
    case(CREATE_MODULE, {"title": "x", "objectives": "learn"}, ["objectives"], "list_type"),
    case(CREATE_MODULE, {"title": "x", "objectives": [1]}, ["objectives", 0], "string_type"),
    case(CREATE_MODULE, {"title": "x", "position": 1}, ["position"], "extra_forbidden"),
    case(CREATE_MODULE, {"summary": "no title"}, ["title"], "missing"),
    case(CREATE_LESSON, {"title": "x", "content": 5}, ["content"], "string_type"),
    case(CREATE_LESSON, {"title": "x", "status": "approved"}, ["status"], "extra_forbidden"),
    case(UPDATE_LESSON, {"title": None, "version": 1}, ["title"], None),
    case(UPDATE_LESSON, {"content": None, "version": 1}, ["content"], None),
    case(UPDATE_LESSON, {"objectives": None, "version": 1}, ["objectives"], None),
    case(UPDATE_LESSON, {"title": "x", "version": -1}, ["version"], "greater_than_equal"),
]


@pytest.mark.parametrize(("target", "body", "loc", "kind"), WRONG_FIELDS)
async def test_wrong_types_missing_and_unknown_fields_are_422(
    client: httpx.AsyncClient,
    world: World,
    target: Target,
    body: dict[str, Any],
    loc: list[str | int],
    kind: str | None,
) -> None:
    before = await snapshot(client, world)
    response = await target.send(client, world, json_body=body)
    assert_invalid(response, ["body", *loc], kind)
    assert await snapshot(client, world) == before


@pytest.mark.parametrize(
    ("if_match", "body_version", "status", "error"),
    [
        pytest.param(b"abc", None, 400, "bad_request", id="not-a-number"),
        pytest.param(b'"-1"', None, 400, "bad_request", id="negative"),
        pytest.param(b'"1.0"', None, 400, "bad_request", id="decimal"),
        pytest.param(b'"\xb2"', None, 400, "bad_request", id="superscript-two"),
        pytest.param(b"\xb9", None, 400, "bad_request", id="superscript-one-unquoted"),
        pytest.param(b'"1"', 2, 400, "bad_request", id="disagrees-with-body-version"),
        pytest.param(b'"99"', None, 409, "version_conflict", id="stale"),
        pytest.param(b"1" * 41, None, 422, "validation_error", id="too-long"),
        pytest.param(None, None, 428, "precondition_required", id="no-version-at-all"),
    ],
)
async def test_bad_versions_on_course_update(
    client: httpx.AsyncClient,
    world: World,
    if_match: bytes | None,
    body_version: int | None,
    status: int,
    error: str,
) -> None:
    before = await snapshot(client, world)
    body: dict[str, Any] = {"title": "Changed"}
    if body_version is not None:
        body["version"] = body_version
    headers = {} if if_match is None else {"if-match": if_match}
    response = await UPDATE_COURSE.send(client, world, json_body=body, headers=headers)
    assert_error(response, status, error)
    assert await snapshot(client, world) == before


# --- oversize bodies -------------------------------------------------------------------------


async def _chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("target", BODY_TARGETS)
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_oversize_body_is_413(
    client: httpx.AsyncClient, world: World, limit: int, target: Target, framing: str
) -> None:
    data = b'{"title": "' + b"a" * limit + b'"}'
    before = await snapshot(client, world)
    if framing == "chunked":  # httpx streams an async iterator without a Content-Length
        request = client.build_request(
            target.method,
            world.url(target.path),
            content=_chunks(data),
            headers={**world.headers, **JSON},
        )
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        response = await client.send(request)
    else:
        response = await target.send(client, world, content=data, headers=JSON)
    assert_error(response, 413, "payload_too_large")
    assert await snapshot(client, world) == before


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_body_of_exactly_the_limit_is_accepted(
    client: httpx.AsyncClient, world: World, limit: int, framing: str
) -> None:
    body = b'{"title": "Big", "content": "' + b"a" * 500_000 + b'"}'
    body += b" " * (limit - len(body))  # JSON allows trailing whitespace
    assert len(body) == limit
    content: Any = _chunks(body) if framing == "chunked" else body
    response = await CREATE_LESSON.send(client, world, content=content, headers=JSON)
    assert response.status_code == 201, response.text
    assert len(response.json()["content"]) == 500_000


# --- SQL-injection and markup strings --------------------------------------------------------

SEARCHABLE = ["100% Python", "snake_case basics", "Robert'); DROP TABLE courses;--", "<b>Bold</b>"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("%' OR 1=1 --", [], id="or-1-equals-1"),
        pytest.param("' OR ''='", [], id="or-empty-equals-empty"),
        pytest.param("x' UNION SELECT email FROM users --", [], id="union"),
        pytest.param("%", ["100% Python"], id="percent-is-literal"),
        pytest.param("_", ["snake_case basics"], id="underscore-is-literal"),
        pytest.param("\\", [], id="backslash-is-literal"),
        pytest.param("\\%", [], id="escaped-percent-is-literal"),
        pytest.param("[a-z]", [], id="no-regex"),
        pytest.param("*", [], id="no-glob"),
        pytest.param("'); DROP TABLE", ["Robert'); DROP TABLE courses;--"], id="drop-table"),
        pytest.param("<b>", ["<b>Bold</b>"], id="markup"),
        pytest.param("PYTHON", ["100% Python"], id="case-insensitive"),
    ],
)
async def test_search_text_is_a_literal(
    client: httpx.AsyncClient, world: World, q: str, expected: list[str]
) -> None:
    for title in SEARCHABLE:
        created = await CREATE_COURSE.send(client, world, json_body={"title": title})
        assert created.status_code == 201, created.text
    before = await snapshot(client, world)
    response = await client.get(world.url("/courses"), params={"q": q}, headers=world.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert sorted(item["title"] for item in page["items"]) == sorted(expected)
    assert page["total"] == len(expected)
    after = await snapshot(client, world)
    assert after == before
    assert after["courses"]["total"] == len(SEARCHABLE) + 1


BAD_FILTERS = [
    ("sort", "title; DROP TABLE courses"),
    ("sort", "title desc"),
    ("sort", "-title,-id"),
    ("sort", "(SELECT 1)"),
    ("sort", "password_hash"),
    ("sort", "TITLE"),
    ("status", "draft' OR '1'='1"),
    ("status", "DRAFT"),
    ("status", "<script>alert(1)</script>"),
    ("owner_id", "1 OR 1=1"),
    ("owner_id", "' OR ''='"),
    ("owner_id", "<script>alert(1)</script>"),
    ("deleted", "maybe"),
    ("q", "a\x00b"),
    ("q", "\x1b[31mred"),
    ("q", "line\nbreak"),
    ("q", "x" * 101),
]


@pytest.mark.parametrize(("name", "value"), BAD_FILTERS, ids=[f"{n}={v!r}" for n, v in BAD_FILTERS])
async def test_bad_course_filters_are_422(
    client: httpx.AsyncClient, world: World, name: str, value: str
) -> None:
    response = await client.get(world.url("/courses"), params={name: value}, headers=world.headers)
    assert_invalid(response, ["query", name])
    assert value not in response.text  # errors never echo the input back


NASTY_NAMES = [
    "Robert'); DROP TABLE courses;--",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "%_\\",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "{{7*7}} ${7*7} #{7*7}",
    "${jndi:ldap://example.com/a}",
    "../../etc/passwd",
    "null",
    "None",
    "0",
    "true",
]


@pytest.mark.parametrize("name", NASTY_NAMES)
async def test_nasty_names_are_stored_and_returned_verbatim(
    client: httpx.AsyncClient, world: World, name: str
) -> None:
    created = await CREATE_COURSE.send(client, world, json_body={"title": name})
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/json"
    course = created.json()
    assert course["title"] == name
    assert SLUG.fullmatch(course["slug"]), course["slug"]
    fetched = await client.get(f"{API}/courses/{course['id']}", headers=world.headers)
    assert fetched.json()["title"] == name
    listed = await client.get(world.url("/courses"), headers=world.headers)
    assert sorted(item["title"] for item in listed.json()["items"]) == sorted(
        [name, "Intro to Testing"]
    )

    module = await CREATE_MODULE.send(
        client, world, json_body={"title": name, "objectives": [name]}
    )
    assert module.status_code == 201, module.text
    assert (module.json()["title"], module.json()["objectives"]) == (name, [name])
    content = f"<p>{name}</p><script>alert(1)</script>"  # editor HTML, sanitised on export
    lesson = await CREATE_LESSON.send(client, world, json_body={"title": name, "content": content})
    assert lesson.status_code == 201, lesson.text
    assert (lesson.json()["title"], lesson.json()["content"]) == (name, content)
    user = await CREATE_USER.send(
        client, world, json_body={**CREATE_USER.valid, "display_name": name}
    )
    assert user.status_code == 201, user.text
    assert user.json()["display_name"] == name


async def test_injection_in_login_is_just_a_wrong_email(
    client: httpx.AsyncClient, world: World
) -> None:
    before = await snapshot(client, world)
    for email in ("' OR 1=1 --", f"{world.admin_email}' --", "%@%", "<script>@x.y"):
        response = await LOGIN.send(
            client, world, json_body={"email": email, "password": "' OR 1=1 --"}
        )
        assert_error(response, 401, "invalid_credentials")
    assert await snapshot(client, world) == before


# --- unicode edge cases ----------------------------------------------------------------------

TEXT_FIELDS = [
    pytest.param(CREATE_COURSE, ["title"], id="course.title"),
    pytest.param(CREATE_COURSE, ["brief", "audience"], id="course.brief.audience"),
    pytest.param(CREATE_COURSE, ["brief", "source_material"], id="course.brief.source_material"),
    pytest.param(CREATE_COURSE, ["brief", "learning_objectives", 0], id="course.objective"),
    pytest.param(UPDATE_COURSE, ["title"], id="course.update.title"),
    pytest.param(CREATE_USER, ["display_name"], id="user.display_name"),
    pytest.param(UPDATE_USER, ["display_name"], id="user.update.display_name"),
    pytest.param(CREATE_MODULE, ["summary"], id="module.summary"),
    pytest.param(CREATE_MODULE, ["objectives", 0], id="module.objective"),
    pytest.param(CREATE_LESSON, ["title"], id="lesson.title"),
    pytest.param(CREATE_LESSON, ["content"], id="lesson.content"),
    pytest.param(UPDATE_LESSON, ["content"], id="lesson.update.content"),
]
CONTROL_CHARACTERS = [
    pytest.param("\x00", id="NUL"),
    pytest.param("\x1b", id="ESC"),
    pytest.param("\x01", id="SOH"),
    pytest.param("\x07", id="BEL"),
    pytest.param("\x08", id="BS"),
    pytest.param("\x7f", id="DEL"),
    pytest.param("\x85", id="NEL"),
    pytest.param("\x9b", id="CSI"),
]


@pytest.mark.parametrize(("target", "path", "char"), spread(TEXT_FIELDS, CONTROL_CHARACTERS, few=2))
async def test_control_characters_are_422(
    client: httpx.AsyncClient, world: World, target: Target, path: list[str | int], char: str
) -> None:
    before = await snapshot(client, world)
    response = await target.send(client, world, json_body=target.body_with(path, f"a{char}b"))
    assert_invalid(response, ["body", *path], "value_error")
    assert await snapshot(client, world) == before


SINGLE_LINE_FIELDS = [
    pytest.param(CREATE_COURSE, ["title"], id="course.title"),
    pytest.param(CREATE_COURSE, ["brief", "tone"], id="course.brief.tone"),
    pytest.param(CREATE_USER, ["display_name"], id="user.display_name"),
    pytest.param(CREATE_MODULE, ["objectives", 0], id="module.objective"),
    pytest.param(UPDATE_LESSON, ["title"], id="lesson.update.title"),
]
LINE_BREAKS = [
    pytest.param("\n", id="LF"),
    pytest.param("\r", id="CR"),
    pytest.param("\t", id="TAB"),
    pytest.param("\u2028", id="LINE-SEPARATOR"),
    pytest.param("\u2029", id="PARAGRAPH-SEPARATOR"),
]


@pytest.mark.parametrize(("target", "path", "char"), spread(SINGLE_LINE_FIELDS, LINE_BREAKS))
async def test_line_breaks_in_single_line_fields_are_422(
    client: httpx.AsyncClient, world: World, target: Target, path: list[str | int], char: str
) -> None:
    before = await snapshot(client, world)
    response = await target.send(client, world, json_body=target.body_with(path, f"1{char}2"))
    assert_invalid(response, ["body", *path], "value_error")
    assert await snapshot(client, world) == before


async def test_line_breaks_in_multi_line_fields_are_kept(
    client: httpx.AsyncClient, world: World
) -> None:
    text = "First line\r\nSecond line\n\tIndented\u2028Separated"
    brief = {"source_material": text}
    course = await CREATE_COURSE.send(client, world, json_body={"title": "Lines", "brief": brief})
    assert course.status_code == 201, course.text
    assert course.json()["brief"]["source_material"] == text
    lesson = await CREATE_LESSON.send(client, world, json_body={"title": "L", "content": text})
    assert lesson.status_code == 201, lesson.text
    assert lesson.json()["content"] == text


@pytest.mark.parametrize("char", [pytest.param("\x00", id="NUL"), pytest.param("\x1b", id="ESC")])
async def test_control_characters_in_the_login_email(
    client: httpx.AsyncClient, world: World, char: str
) -> None:
    """No account's e-mail contains one: the sign-in fails like any other wrong e-mail (401),
    or the body is refused like every other text field with one (422). Never a 500."""
    before = await snapshot(client, world)
    email = world.admin_email.replace("@", f"{char}@")
    response = await LOGIN.send(client, world, json_body={"email": email, "password": PASSWORD})
    expected = {401: "invalid_credentials", 422: "validation_error"}
    assert response.status_code in expected, response.text
    assert_error(response, response.status_code, expected[response.status_code])
    assert await snapshot(client, world) == before


LONE_SURROGATES = [
    pytest.param("\\ud800", id="high"),
    pytest.param("\\udfff", id="low"),
    pytest.param("a\\ud83d", id="high-at-end"),
    pytest.param("\\ude80\\ud83d", id="pair-reversed"),
    pytest.param("\\ud83d\\ud83d", id="two-highs"),
]
ANY_TEXT_FIELDS = [
    *TEXT_FIELDS,
    pytest.param(SET_MEMBER, ["role"], id="member.role"),
    pytest.param(CREATE_USER, ["email"], id="user.email"),
    pytest.param(CREATE_USER, ["password"], id="user.password"),
    pytest.param(LOGIN, ["email"], id="login.email"),
    pytest.param(LOGIN, ["password"], id="login.password"),
]


@pytest.mark.parametrize(("target", "path", "escape"), spread(ANY_TEXT_FIELDS, LONE_SURROGATES))
async def test_lone_surrogates_are_422(
    client: httpx.AsyncClient, world: World, target: Target, path: list[str | int], escape: str
) -> None:
    before = await snapshot(client, world)
    content = raw_json(target.body_with(path, "@@"), escape)
    response = await target.send(client, world, content=content, headers=JSON)
    assert_invalid(response, ["body", *path])
    assert await snapshot(client, world) == before


async def test_lone_surrogate_as_a_field_name_is_422(
    client: httpx.AsyncClient, world: World
) -> None:
    before = await snapshot(client, world)
    content = b'{"title": "x", "\\ud800": 1}'
    response = await CREATE_COURSE.send(client, world, content=content, headers=JSON)
    assert_error(response, 422, "validation_error")
    assert await snapshot(client, world) == before


async def test_escaped_surrogate_pair_is_one_character(
    client: httpx.AsyncClient, world: World
) -> None:
    content = raw_json({"title": "@@ Launch"}, "\\ud83d\\ude80")
    created = await CREATE_COURSE.send(client, world, content=content, headers=JSON)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "\U0001f680 Launch"


@pytest.mark.parametrize(
    ("sent", "stored", "slug"),
    [
        pytest.param("Cafe\u0301 cre\u0300me", "Caf\u00e9 cr\u00e8me", "cafe-creme", id="nfc"),
        pytest.param("A\u030angstr\u00f6m", "\u00c5ngstr\u00f6m", "angstrom", id="ring-above"),
        pytest.param("\u1100\u1161 Korean", "\uac00 Korean", "korean", id="hangul-jamo"),
        pytest.param("\U0001f680 Rockets \U0001f525", None, "rockets", id="emoji"),
        pytest.param("\U0001f469\u200d\U0001f4bb Coding", None, "coding", id="zwj-sequence"),
        pytest.param("\U0001f1e9\U0001f1ea Deutsch", None, "deutsch", id="flag"),
        pytest.param("\U0001f44d\U0001f3fd Thumbs", None, "thumbs", id="skin-tone"),
        pytest.param("Zero\u200bWidth Space", None, "zerowidth-space", id="zero-width-space"),
        pytest.param("Non\u200cjoiner", None, "nonjoiner", id="zero-width-non-joiner"),
        pytest.param("abc \u202edcba", None, "abc-dcba", id="right-to-left-override"),
        pytest.param("\u05e2\u05d1\u05e8\u05d9\u05ea Hebrew", None, "hebrew", id="rtl-script"),
        pytest.param("  Padded  ", "Padded", "padded", id="trimmed"),
        pytest.param("\u00a0\u3000Wide\u2003", "Wide", "wide", id="unicode-spaces-trimmed"),
        pytest.param("\u4e2d\u6587\u8bfe\u7a0b", None, "course", id="no-ascii-for-the-slug"),
    ],
)
async def test_unicode_titles_round_trip_nfc_normalised(
    client: httpx.AsyncClient, world: World, sent: str, stored: str | None, slug: str
) -> None:
    expected = sent if stored is None else stored
    created = await CREATE_COURSE.send(client, world, json_body={"title": sent})
    assert created.status_code == 201, created.text
    assert (created.json()["title"], created.json()["slug"]) == (expected, slug)
    fetched = await client.get(f"{API}/courses/{created.json()['id']}", headers=world.headers)
    assert fetched.json()["title"] == expected
    found = await client.get(world.url("/courses"), params={"q": expected}, headers=world.headers)
    assert [item["title"] for item in found.json()["items"]] == [expected]


BLANK_TITLES = [
    pytest.param(" ", id="space"),
    pytest.param("\u200b", id="zero-width-space"),
    pytest.param("", id="empty"),
    pytest.param(" " * 200, id="200-spaces"),
    pytest.param("\u00a0", id="no-break-space"),
    pytest.param("\u3000\u2003\u2009", id="unicode-spaces"),
    pytest.param("\u200b\u200c\u200d\u2060", id="zero-width-characters"),
    pytest.param("\ufeff", id="byte-order-mark"),
]
TITLED = [
    t.param() for t in (CREATE_COURSE, UPDATE_COURSE, CREATE_MODULE, CREATE_LESSON, UPDATE_LESSON)
]


@pytest.mark.parametrize(("target", "title"), spread(TITLED, BLANK_TITLES, few=2))
async def test_blank_titles_are_422(
    client: httpx.AsyncClient, world: World, target: Target, title: str
) -> None:
    before = await snapshot(client, world)
    response = await target.send(client, world, json_body={**target.valid, "title": title})
    assert_invalid(response, ["body", "title"], "value_error")
    assert await snapshot(client, world) == before


@pytest.mark.parametrize(
    ("target", "path", "longest"),
    [
        pytest.param(CREATE_COURSE, ["title"], 200, id="course.title"),
        pytest.param(CREATE_COURSE, ["slug"], 120, id="course.slug"),
        pytest.param(CREATE_COURSE, ["language"], 35, id="course.language"),
        pytest.param(CREATE_COURSE, ["brief", "audience"], 200, id="course.brief.audience"),
        pytest.param(CREATE_COURSE, ["brief", "source_material"], 20_000, id="brief.source"),
        pytest.param(UPDATE_COURSE, ["title"], 200, id="course.update.title"),
        pytest.param(CREATE_USER, ["display_name"], 200, id="user.display_name"),
        pytest.param(CREATE_USER, ["password"], 256, id="user.password"),
        pytest.param(LOGIN, ["email"], 254, id="login.email"),
        pytest.param(LOGIN, ["password"], 256, id="login.password"),
        pytest.param(CREATE_MODULE, ["summary"], 20_000, id="module.summary"),
        pytest.param(CREATE_LESSON, ["content"], 500_000, id="lesson.content"),
        pytest.param(UPDATE_LESSON, ["title"], 200, id="lesson.update.title"),
    ],
)
async def test_strings_over_the_max_length_are_422(
    client: httpx.AsyncClient, world: World, target: Target, path: list[str], longest: int
) -> None:
    before = await snapshot(client, world)
    value = "en-" + "a" * (longest - 2) if path == ["language"] else "a" * (longest + 1)
    response = await target.send(client, world, json_body=target.body_with(path, value))
    assert_invalid(response, ["body", *path])
    assert await snapshot(client, world) == before


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("a" * 200, id="200-ascii"),
        pytest.param("\U0001f680" * 200, id="200-emoji"),
        pytest.param("\u00e9" * 200, id="200-accented"),
    ],
)
async def test_strings_at_the_max_length_are_accepted(
    client: httpx.AsyncClient, world: World, title: str
) -> None:
    created = await CREATE_COURSE.send(client, world, json_body={"title": title})
    assert created.status_code == 201, created.text
    assert created.json()["title"] == title


@pytest.mark.parametrize(
    ("target", "path", "most"),
    [
        pytest.param(CREATE_MODULE, ["objectives"], 30, id="module.objectives"),
        pytest.param(CREATE_LESSON, ["objectives"], 30, id="lesson.objectives"),
        pytest.param(CREATE_COURSE, ["brief", "learning_objectives"], 50, id="brief.objectives"),
    ],
)
async def test_too_many_list_items_are_422(
    client: httpx.AsyncClient, world: World, target: Target, path: list[str], most: int
) -> None:
    before = await snapshot(client, world)
    items = [f"Objective {n}" for n in range(most + 1)]
    response = await target.send(client, world, json_body=target.body_with(path, items))
    assert_invalid(response, ["body", *path], "too_long")
    assert await snapshot(client, world) == before


# --- pagination and path parameters ----------------------------------------------------------

LISTS = [pytest.param(path, id=path) for path in ("/courses", "/users", "/audit")]
BAD_PAGES = [
    pytest.param("page_size", value, id=f"page_size={value[:12]}")
    for value in ("0", "101", str(10**9), "-1", "ten", "2.5", "")
] + [
    pytest.param("page", value, id=f"page={value[:12]}")
    for value in ("0", "-1", "100001", str(10**12), "9" * 5000, "1.5", "1e3", "true", "0x10")
]


@pytest.mark.parametrize(("path", "name", "value"), spread(LISTS, BAD_PAGES, few=5))
async def test_bad_page_parameters_are_422(
    client: httpx.AsyncClient, world: World, path: str, name: str, value: str
) -> None:
    response = await client.get(world.url(path), params={name: value}, headers=world.headers)
    assert_invalid(response, ["query", name])


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(("page", "page_size"), [(1, 1), (1, 100), (100_000, 100)])
async def test_page_parameters_at_the_bounds_are_accepted(
    client: httpx.AsyncClient, world: World, path: str, page: int, page_size: int
) -> None:
    response = await client.get(
        world.url(path), params={"page": page, "page_size": page_size}, headers=world.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["page"], body["page_size"]) == (page, page_size)
    assert body["total"] >= 1
    assert len(body["items"]) == (min(body["total"], page_size) if page == 1 else 0)


ID_ROUTES = [
    pytest.param("GET", "/courses/{id}", "course_id", id="GET course"),
    pytest.param("PATCH", "/courses/{id}", "course_id", id="PATCH course"),
    pytest.param("DELETE", "/courses/{id}", "course_id", id="DELETE course"),
    pytest.param("POST", "/courses/{id}/restore", "course_id", id="restore course"),
    pytest.param("GET", "/courses/{id}/members", "course_id", id="GET members"),
    pytest.param("PUT", "/courses/{course}/members/{id}", "user_id", id="PUT member"),
    pytest.param("DELETE", "/courses/{course}/members/{id}", "user_id", id="DELETE member"),
    pytest.param("POST", "/courses/{course}/modules/{id}/lessons", "module_id", id="POST lesson"),
    pytest.param("GET", "/courses/{course}/lessons/{id}", "lesson_id", id="GET lesson"),
    pytest.param("PATCH", "/courses/{course}/lessons/{id}", "lesson_id", id="PATCH lesson"),
    pytest.param("GET", "/users/{id}", "user_id", id="GET user"),
]
BAD_UUIDS = [
    pytest.param("not-a-uuid", id="word"),
    pytest.param("' OR 1=1 --", id="injection"),
    pytest.param("123", id="number"),
    pytest.param("00000000-0000-0000-0000-00000000000g", id="non-hex"),
    pytest.param("00000000-0000-0000-0000-0000000000000", id="one-digit-too-many"),
    pytest.param("<img src=x onerror=alert(1)>", id="markup"),
    pytest.param("x" * 1000, id="1000-chars"),
]
ID_BODIES = {
    "PUT": {"role": "viewer"},
    "PATCH": {"title": "x", "version": 1},
    "POST": {"title": "x"},
}


def _id_url(world: World, template: str, value: str) -> str:
    return world.url(template.replace("{id}", "{{id}}")).replace("{id}", quote(value, safe=""))


@pytest.mark.parametrize(("method", "template", "name", "bad"), spread(ID_ROUTES, BAD_UUIDS, 2))
async def test_invalid_uuids_in_paths_are_422(
    client: httpx.AsyncClient, world: World, method: str, template: str, name: str, bad: str
) -> None:
    before = await snapshot(client, world)
    response = await client.request(
        method,
        _id_url(world, template, bad),
        json=ID_BODIES.get(method),
        headers=world.headers,
    )
    assert_invalid(response, ["path", name])
    assert await snapshot(client, world) == before


@pytest.mark.parametrize(("method", "template", "name"), ID_ROUTES)
async def test_well_formed_unknown_ids_are_404(
    client: httpx.AsyncClient, world: World, method: str, template: str, name: str
) -> None:
    before = await snapshot(client, world)
    response = await client.request(
        method,
        _id_url(world, template, str(uuid.UUID(int=0))),
        json=ID_BODIES.get(method),
        headers=world.headers,
    )
    assert_error(response, 404, "not_found")
    assert await snapshot(client, world) == before


# --- X-Request-ID ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_id",
    [
        pytest.param(b"abc", id="short"),
        pytest.param(b"req-2024.11_26:0001", id="all-allowed-punctuation"),
        pytest.param(uuid.UUID(int=7).hex.encode(), id="hex"),
        pytest.param(b"A" * 128, id="128-chars"),
    ],
)
async def test_valid_request_ids_are_echoed(
    client: httpx.AsyncClient, world: World, request_id: bytes
) -> None:
    response = await client.get(
        world.url("/nowhere"), headers={**world.headers, "x-request-id": request_id}
    )
    body = assert_error(response, 404, "not_found")
    assert body["request_id"] == request_id.decode()
    ok = await client.get("/healthz", headers={"x-request-id": request_id})
    assert ok.headers["x-request-id"] == request_id.decode()


@pytest.mark.parametrize(
    "request_id",
    [
        pytest.param(b"A" * 129, id="129-chars"),
        pytest.param(b"A" * 10_000, id="10000-chars"),
        pytest.param(b"", id="empty"),
        pytest.param(b"has space", id="space"),
        pytest.param(b"tab\there", id="tab"),
        pytest.param(b"new\nline", id="newline-inside"),
        pytest.param(b"trailing-newline\n", id="newline-at-end"),
        pytest.param(b"trailing-cr\r", id="cr-at-end"),
        pytest.param(b"x\r\nSet-Cookie: a=b", id="header-injection"),
        pytest.param(b"<script>", id="markup"),
        pytest.param(b"a/b", id="slash"),
        pytest.param(b"quote\"'", id="quotes"),
        pytest.param("caf\u00e9".encode("latin-1"), id="latin-1"),
        pytest.param("caf\u00e9".encode(), id="utf-8"),
    ],
)
async def test_invalid_request_ids_are_replaced(
    client: httpx.AsyncClient, world: World, request_id: bytes
) -> None:
    before = await snapshot(client, world)
    response = await CREATE_COURSE.send(
        client, world, json_body={"title": ""}, headers={"x-request-id": request_id}
    )
    body = assert_error(response, 422, "validation_error")
    assert GENERATED_REQUEST_ID.fullmatch(body["request_id"]), body["request_id"]
    assert await snapshot(client, world) == before

    created = await CREATE_COURSE.send(
        client, world, json_body={"title": "Audited"}, headers={"x-request-id": request_id}
    )
    assert created.status_code == 201, created.text
    generated = created.headers["x-request-id"]
    assert GENERATED_REQUEST_ID.fullmatch(generated), generated
    audit = await client.get(world.url("/audit"), headers=world.headers)
    assert audit.json()["items"][0]["request_id"] == generated


# --- unknown routes and wrong methods --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/nope"),
        ("GET", "/api/v2/courses"),
        ("GET", "/nope"),
        ("POST", "/api/v1/courses/{course}/nope"),
        ("GET", "/api/v1/courses/{course}/lessons"),
        ("GET", "/api/v1/courses/%27%20OR%201%3D1--/x/y"),
    ],
)
async def test_unknown_routes_are_404(
    client: httpx.AsyncClient, world: World, method: str, path: str
) -> None:
    before = await snapshot(client, world)
    url = path.replace("{course}", world.course)
    response = await client.request(method, url, json={}, headers=world.headers)
    assert_error(response, 404, "not_found")
    assert await snapshot(client, world) == before


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/courses", {"GET", "POST"}),
        ("PUT", "/api/v1/courses/{course}", {"GET", "PATCH", "DELETE"}),
        ("POST", "/api/v1/courses/{course}/members", {"GET"}),
        ("PUT", "/api/v1/courses/{course}/members", {"GET"}),
        ("GET", "/api/v1/auth/login", {"POST"}),
        ("PATCH", "/api/v1/users", {"GET", "POST"}),
        ("DELETE", "/api/v1/audit", {"GET"}),
    ],
)
async def test_wrong_methods_are_405(
    client: httpx.AsyncClient, world: World, method: str, path: str, allowed: set[str]
) -> None:
    before = await snapshot(client, world)
    url = path.replace("{course}", world.course)
    response = await client.request(method, url, json={}, headers=world.headers)
    assert_error(response, 405, "method_not_allowed")
    # Starlette lists the methods of the first route matching the path only, so Allow may
    # name a subset of the methods the path supports, but never one it does not.
    listed = {m.strip() for m in response.headers["allow"].split(",")}
    assert listed, response.headers
    assert listed <= allowed, response.headers
    assert await snapshot(client, world) == before
