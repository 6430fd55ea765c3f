from __future__ import annotations

import httpx

from app.core.permissions import Role
from tests.factories import Factory


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgresql": "ok", "redis": "ok"}


async def test_create_and_read_course(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    created = await client.post(
        "/api/v1/courses", json={"title": "Rust für Anfänger"}, headers=headers
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["slug"] == "rust-fur-anfanger"
    assert created.headers["etag"] == '"1"'
    fetched = await client.get(f"/api/v1/courses/{body['id']}", headers=headers)
    assert fetched.status_code == 200
    assert fetched.json()["title"] == "Rust für Anfänger"


async def test_metrics_use_route_templates(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    course = await factory.course(editor)
    await client.get(f"/api/v1/courses/{course.id}", headers=await factory.headers(editor))
    text = (await client.get("/metrics")).text
    assert 'route="/api/v1/courses/{course_id}"' in text
    assert str(course.id) not in text
