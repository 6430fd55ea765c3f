"""Bad query and path parameters, request ids, unknown routes and methods."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import httpx
import pytest

from tests.api.bad_input.support import (
    CREATE_COURSE,
    GENERATED_REQUEST_ID,
    World,
    assert_error,
    assert_invalid,
    snapshot,
    spread,
)

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
