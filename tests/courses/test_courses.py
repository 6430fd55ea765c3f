"""Courses: listing, optimistic concurrency, soft delete and restore, the audit trail."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from app.core.permissions import Role
from tests.factories import Factory

COURSES = "/api/v1/courses"


async def _audit(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[Any]:
    response = await client.get("/api/v1/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_list_filters_sorts_and_paginates(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    other = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    for title in ("Python basics", "Advanced Python", "Gardening 101"):
        await factory.course(editor, title)
    await factory.course(other, "Python for others")

    everything = (await client.get(COURSES, headers=headers)).json()
    assert everything["total"] == 4
    titles = (await client.get(COURSES, params={"sort": "title"}, headers=headers)).json()
    assert [c["title"] for c in titles["items"]] == sorted(c["title"] for c in titles["items"])
    found = (await client.get(COURSES, params={"q": "PYTHON"}, headers=headers)).json()
    assert found["total"] == 3
    mine = (await client.get(COURSES, params={"owner_id": str(editor.id)}, headers=headers)).json()
    assert mine["total"] == 3
    page = (await client.get(COURSES, params={"page": 2, "page_size": 3}, headers=headers)).json()
    assert (page["page"], page["page_size"], page["total"], len(page["items"])) == (2, 3, 4, 1)
    past_end = (await client.get(COURSES, params={"page": 9}, headers=headers)).json()
    assert (past_end["items"], past_end["total"]) == ([], 4)
    drafts = (await client.get(COURSES, params={"status": "approved"}, headers=headers)).json()
    assert drafts["total"] == 0


async def test_members_without_global_role_see_only_their_courses(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    member = await factory.user(None)
    visible = await factory.course(admin, "Shared with member")
    await factory.course(admin, "Not shared")
    await factory.member(visible, member, Role.VIEWER)
    listing = (await client.get(COURSES, headers=await factory.headers(member))).json()
    assert [c["id"] for c in listing["items"]] == [str(visible.id)]
    assert listing["total"] == 1


async def test_stale_update_gets_409_with_current_version(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    course = await factory.course(editor)
    url = f"{COURSES}/{course.id}"
    first = await client.patch(
        url, json={"title": "First edit"}, headers={**headers, "If-Match": '"1"'}
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'
    stale = await client.patch(url, json={"title": "Lost edit", "version": 1}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["error"] == "version_conflict"
    assert stale.json()["current_version"] == 2
    assert (await client.get(url, headers=headers)).json()["title"] == "First edit"
    missing = await client.patch(url, json={"title": "No version"}, headers=headers)
    assert missing.status_code == 428


async def test_concurrent_updates_one_wins(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    headers = await factory.headers(editor)
    course = await factory.course(editor)
    url = f"{COURSES}/{course.id}"
    results = await asyncio.gather(
        *(
            client.patch(url, json={"title": f"Edit {n}", "version": 1}, headers=headers)
            for n in range(5)
        )
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409, 409, 409, 409]
    final = (await client.get(url, headers=headers)).json()
    assert final["version"] == 2
    winner = next(r for r in results if r.status_code == 200).json()
    assert final["title"] == winner["title"]


async def test_every_mutation_is_audited_with_request_id(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    headers = await factory.headers(admin)
    created = await client.post(
        COURSES, json={"title": "Audited"}, headers={**headers, "X-Request-ID": "req-create-1"}
    )
    course_id = created.json()["id"]
    await client.patch(
        f"{COURSES}/{course_id}", json={"title": "Audited 2", "version": 1}, headers=headers
    )
    await client.patch(
        f"{COURSES}/{course_id}", json={"title": "Stale", "version": 1}, headers=headers
    )
    await client.delete(f"{COURSES}/{course_id}", headers=headers)
    await client.post(f"{COURSES}/{course_id}/restore", headers=headers)

    entries = await _audit(client, headers, entity_type="course", entity_id=course_id)
    actions = [e["action"] for e in reversed(entries)]
    assert actions == ["course.created", "course.updated", "course.deleted", "course.restored"]
    by_action = {e["action"]: e for e in entries}
    assert by_action["course.created"]["request_id"] == "req-create-1"
    assert by_action["course.created"]["actor_id"] == str(admin.id)
    assert by_action["course.updated"]["before"]["title"] == "Audited"
    assert by_action["course.updated"]["after"]["title"] == "Audited 2"
    assert by_action["course.created"]["ip"] == "203.0.113.10"


async def test_soft_delete_and_restore(client: httpx.AsyncClient, factory: Factory) -> None:
    admin = await factory.user(Role.ADMIN)
    headers = await factory.headers(admin)
    course = await factory.course(admin, "Temporary")
    url = f"{COURSES}/{course.id}"
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url, headers=headers)).status_code == 404
    assert (await client.get(COURSES, headers=headers)).json()["total"] == 0
    deleted = (await client.get(COURSES, params={"deleted": "true"}, headers=headers)).json()
    assert [c["id"] for c in deleted["items"]] == [str(course.id)]
    restored = await client.post(f"{url}/restore", headers=headers)
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert (await client.get(url, headers=headers)).status_code == 200


async def test_restore_refuses_a_slug_taken_meanwhile(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    admin = await factory.user(Role.ADMIN)
    headers = await factory.headers(admin)
    old = await client.post(COURSES, json={"title": "Old", "slug": "shared"}, headers=headers)
    await client.delete(f"{COURSES}/{old.json()['id']}", headers=headers)
    new = await client.post(COURSES, json={"title": "New", "slug": "shared"}, headers=headers)
    assert new.status_code == 201
    again = await client.post(COURSES, json={"title": "Dup", "slug": "shared"}, headers=headers)
    assert again.status_code == 409
    restore = await client.post(f"{COURSES}/{old.json()['id']}/restore", headers=headers)
    assert restore.status_code == 409
    assert restore.json()["error"] == "slug_taken"


async def test_only_admins_list_deleted(client: httpx.AsyncClient, factory: Factory) -> None:
    editor = await factory.user(Role.EDITOR)
    response = await client.get(
        COURSES, params={"deleted": "true"}, headers=await factory.headers(editor)
    )
    assert response.status_code == 403


async def test_members_and_the_last_admin(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(None)
    helper = await factory.user(None)
    headers = await factory.headers(owner)
    course = await factory.course(owner)
    members = f"{COURSES}/{course.id}/members"
    put = await client.put(f"{members}/{helper.id}", json={"role": "editor"}, headers=headers)
    assert put.status_code == 200
    assert put.json()["role"] == "editor"
    listing = (await client.get(members, headers=headers)).json()
    assert {m["user_id"]: m["role"] for m in listing} == {
        str(owner.id): "admin",
        str(helper.id): "editor",
    }
    demote_self = await client.put(
        f"{members}/{owner.id}", json={"role": "viewer"}, headers=headers
    )
    assert demote_self.status_code == 409
    assert (await client.delete(f"{members}/{owner.id}", headers=headers)).status_code == 409
    assert (await client.delete(f"{members}/{helper.id}", headers=headers)).status_code == 204
    assert (await client.delete(f"{members}/{helper.id}", headers=headers)).status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (
        await client.put(f"{members}/{unknown}", json={"role": "viewer"}, headers=headers)
    ).status_code == 404
