"""Bad request bodies: malformed JSON, wrong types, unknown fields, bad versions, oversize."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api.bad_input.support import (
    BODY_TARGETS,
    CREATE_COURSE,
    CREATE_COURSE_WEBHOOK,
    CREATE_LESSON,
    CREATE_MODULE,
    CREATE_USER,
    CREATE_WEBHOOK,
    JSON,
    LOGIN,
    SET_MEMBER,
    SET_PREFERENCES,
    UPDATE_COURSE,
    UPDATE_LESSON,
    UPDATE_USER,
    Target,
    World,
    assert_error,
    assert_invalid,
    snapshot,
    spread,
)

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
    case(CREATE_WEBHOOK, {**CREATE_WEBHOOK.valid, "url": 5}, ["url"], "string_type"),
    case(CREATE_WEBHOOK, {**CREATE_WEBHOOK.valid, "url": ""}, ["url"], "string_too_short"),
    case(CREATE_WEBHOOK, {**CREATE_WEBHOOK.valid, "events": "run.failed"}, ["events"], "list_type"),
    case(CREATE_WEBHOOK, {**CREATE_WEBHOOK.valid, "events": []}, ["events"], "too_short"),
    case(CREATE_WEBHOOK, {**CREATE_WEBHOOK.valid, "events": ["*"]}, ["events", 0], "enum"),
    case(
        CREATE_WEBHOOK,
        {**CREATE_WEBHOOK.valid, "description": "d" * 201},
        ["description"],
        "string_too_long",
    ),
    case(CREATE_WEBHOOK, {**CREATE_WEBHOOK.valid, "secret": "mine"}, ["secret"], "extra_forbidden"),
    case(CREATE_COURSE_WEBHOOK, {"url": "http://127.0.0.1:9/in"}, ["events"], "missing"),
    case(SET_PREFERENCES, {"preferences": []}, ["preferences"], "dict_type"),
    case(SET_PREFERENCES, {"preferences": {}}, ["preferences"], "too_short"),
    case(
        SET_PREFERENCES,
        {"preferences": {"run_failed": "maybe"}},
        ["preferences", "run_failed"],
        "bool_parsing",
    ),
    case(
        SET_PREFERENCES,
        {"preferences": {"everything": False}},
        ["preferences", "everything", "[key]"],
        "enum",
    ),
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
