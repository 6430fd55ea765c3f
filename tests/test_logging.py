"""Structured logs: one JSON object per line with the request's context; secrets never appear."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from app.core.logging import JsonFormatter
from app.core.permissions import Role
from tests.factories import PASSWORD, Factory

REQUIRED = {"time", "level", "logger", "message", "request_id", "user_id"}


@pytest.fixture
def log_lines(settings: object) -> Iterator[io.StringIO]:
    """Everything logged during the test, formatted exactly as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    secret = settings.jwt_secret_value()  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter((secret, PASSWORD)))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_access_log_carries_request_context(
    client: httpx.AsyncClient, factory: Factory, log_lines: io.StringIO
) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    response = await client.get(
        f"/api/v1/courses/{course.id}",
        headers={**await factory.headers(editor), "X-Request-ID": "trace-42"},
    )
    assert response.headers["x-request-id"] == "trace-42"
    access = [r for r in _records(log_lines) if r["logger"] == "courzly.access"]
    assert len(access) == 1
    line = access[0]
    assert set(line) >= REQUIRED
    assert line["request_id"] == "trace-42"
    assert line["user_id"] == str(editor.id)
    assert line["route"] == "/api/v1/courses/{course_id}"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)


async def test_generated_request_id_is_returned_and_logged(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    response = await client.get("/healthz")
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    assert any(r["request_id"] == request_id for r in _records(log_lines))


async def test_secrets_never_reach_the_logs(
    client: httpx.AsyncClient, factory: Factory, log_lines: io.StringIO, settings: object
) -> None:
    user = await factory.user(Role.EDITOR)
    tokens = (
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    ).json()
    await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong pw"})
    await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    text = log_lines.getvalue()
    assert "login_succeeded" in text
    for secret in (PASSWORD, "wrong pw", tokens["access_token"], tokens["refresh_token"]):
        assert secret not in text
    assert settings.jwt_secret_value() not in text  # type: ignore[attr-defined]


def test_formatter_redacts_configured_secrets() -> None:
    formatter = JsonFormatter(("s3cr3t-value",))
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "url=%s", ("pg://u:s3cr3t-value@h",), None
    )
    line = json.loads(formatter.format(record))
    assert line["message"] == "url=pg://u:[redacted]@h"
