"""Unusual text: control characters, line breaks, surrogates, blank and long strings."""

from __future__ import annotations

import httpx
import pytest

from tests.api.bad_input.support import (
    API,
    CREATE_COURSE,
    CREATE_LESSON,
    CREATE_MODULE,
    CREATE_USER,
    JSON,
    LOGIN,
    SET_MEMBER,
    UPDATE_COURSE,
    UPDATE_LESSON,
    UPDATE_USER,
    Target,
    World,
    assert_error,
    assert_invalid,
    raw_json,
    snapshot,
    spread,
)
from tests.factories import PASSWORD

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
