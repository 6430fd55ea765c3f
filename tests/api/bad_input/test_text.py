"""Hostile text: SQL-injection and markup strings in filters, names and the login."""

from __future__ import annotations

import httpx
import pytest

from tests.api.bad_input.support import (
    API,
    CREATE_COURSE,
    CREATE_LESSON,
    CREATE_MODULE,
    CREATE_USER,
    LOGIN,
    SLUG,
    World,
    assert_error,
    assert_invalid,
    snapshot,
)

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
