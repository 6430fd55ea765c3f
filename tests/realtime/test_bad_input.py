"""Bad frames get a clear error frame and the socket stays open; REST answers 4xx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.metrics import REGISTRY
from app.core.permissions import Role
from app.realtime import service
from tests.factories import Factory
from tests.realtime.live import emit, open_client, token_of

COURSE = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("frame", "error", "detail_has"),
    [
        ("{nope", "malformed_json", "not valid JSON"),
        ("[1, 2]", "bad_message", "JSON object"),
        ('{"type": "dance"}', "unknown_type", "'dance'"),
        ('{"type": 7}', "unknown_type", "expected one of"),
        ('{"type": "subscribe"}', "validation_error", "course_id: Field required"),
        ('{"type": "subscribe", "course_id": "x"}', "validation_error", "course_id"),
        (
            f'{{"type": "subscribe", "course_id": "{COURSE}", "after_seq": -1}}',
            "validation_error",
            "after_seq",
        ),
        ('{"type": "ping", "extra": 1}', "validation_error", "extra: Extra inputs"),
        ('{"type": "ping", "id": 5}', "validation_error", "id:"),
        (f'{{"type": "unsubscribe", "course_id": "{COURSE}"}}', "not_subscribed", "not subscribed"),
        (
            f'{{"type": "chat.send", "course_id": "{COURSE}", "text": "   "}}',
            "validation_error",
            "text: Value error, must not be blank",
        ),
        (
            f'{{"type": "chat.send", "course_id": "{COURSE}", "text": "{"a" * 4001}"}}',
            "validation_error",
            "text: String should have at most 4000 characters",
        ),
        (
            f'{{"type": "chat.send", "course_id": "{COURSE}", "text": "a\\u0000b"}}',
            "validation_error",
            "control characters",
        ),
        ('"' + "x" * 70_000 + '"', "message_too_large", "64000"),
    ],
)
async def test_a_bad_frame_is_answered_and_the_socket_stays(
    live_server: str, factory: Factory, frame: str, error: str, detail_has: str
) -> None:
    user = await factory.user(Role.EDITOR)
    async with open_client(live_server, token_of(await factory.headers(user))) as client:
        await client.ws.send(frame)
        answer = await client.expect("error")
        assert answer["error"] == error
        assert detail_has in answer["detail"]
        await client.send(type="ping")
        await client.expect("pong")


async def test_binary_frames_are_refused(live_server: str, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR)
    async with open_client(live_server, token_of(await factory.headers(user))) as client:
        await client.ws.send(b"\x00\x01")
        assert (await client.expect("error"))["error"] == "binary_not_supported"


async def test_events_over_rest(client: httpx.AsyncClient, factory: Factory, app: Any) -> None:
    owner = await factory.user(Role.EDITOR)
    headers = await factory.headers(owner)
    course = await factory.course(owner)
    await emit(app, course.id, 5)
    url = f"/api/v1/courses/{course.id}/events"
    page = (await client.get(url, params={"after_seq": 1, "limit": 3}, headers=headers)).json()
    assert [e["seq"] for e in page["items"]] == [2, 3, 4]
    assert (page["next_after_seq"], page["head"], page["has_more"]) == (4, 5, True)
    rest = (await client.get(url, params={"after_seq": 4}, headers=headers)).json()
    assert ([e["seq"] for e in rest["items"]], rest["has_more"]) == ([5], False)
    assert rest["items"][0]["payload"] == {"n": 4}

    too_far = await client.get(url, params={"after_seq": 6}, headers=headers)
    assert too_far.status_code == 400
    assert too_far.json()["error"] == "after_seq_ahead"
    for params in ({"limit": 501}, {"limit": 0}, {"after_seq": -1}, {"after_seq": "x"}):
        assert (await client.get(url, params=params, headers=headers)).status_code == 422


async def test_events_of_an_unknown_course_are_not_found(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user(Role.VIEWER)
    headers = await factory.headers(user)
    response = await client.get(f"/api/v1/courses/{COURSE}/events", headers=headers)
    assert response.status_code == 404


async def test_an_unreadable_log_closes_the_socket_for_a_later_resume(
    live_server: str, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(*_: Any) -> None:
        raise ConnectionRefusedError("PostgreSQL is down")

    monkeypatch.setattr(service, "replay", unreachable)
    owner = await factory.user(Role.EDITOR)
    course = await factory.course(owner)
    async with open_client(live_server, token_of(await factory.headers(owner))) as client:
        await client.subscribe(course.id, after_seq=0)
        code, frames = await client.closed()
    assert code == 1011
    assert [f["error"] for f in frames] == ["service_unavailable"]


async def test_client_messages_are_counted_by_type_and_bad_ones_as_invalid(
    live_server: str, factory: Factory
) -> None:
    def received(kind: str) -> float:
        name = "courzly_ws_messages_received_total"
        return REGISTRY.get_sample_value(name, {"type": kind}) or 0.0

    before = {kind: received(kind) for kind in ("ping", "invalid")}
    user = await factory.user(Role.EDITOR)
    async with open_client(live_server, token_of(await factory.headers(user))) as client:
        await client.send(type="ping")
        await client.expect("pong")
        await client.ws.send("{nope")
        await client.expect("error")
    assert received("ping") - before["ping"] == 1
    assert received("invalid") - before["invalid"] == 1
