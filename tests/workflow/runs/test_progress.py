"""GET /api/v1/progress: where each course of a dashboard page stands (latest run, lessons
approved of all, reviews waiting), only for courses the caller may read."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.core.permissions import Role
from tests.factories import Factory
from tests.workflow.runs.helpers import RunDriver, pending, waiting_at

URL = "/api/v1/progress"


async def test_progress_follows_a_run_through_its_gates(
    client: httpx.AsyncClient, factory: Factory, offline_worker: None
) -> None:
    editor = await factory.user(Role.EDITOR)
    started, idle = await factory.course(editor), await factory.course(editor)
    as_editor = await factory.headers(editor)
    runs = RunDriver(client, str(started.id))
    run_id = await runs.start(as_editor, modules=1, lessons_per_module=2)
    state = await runs.wait(run_id, as_editor, waiting_at("outline"))
    await runs.decide(run_id, pending(state, "outline")[0]["id"], as_editor, decision="approve")
    state = await runs.wait(run_id, as_editor, waiting_at("lesson", count=2))
    first = pending(state, "lesson")[0]
    assert (await runs.decide(run_id, first["id"], as_editor, decision="approve")).is_success
    # Applied: the worker has taken the decision (the lesson row says approved) and the
    # run waits again, for the other lesson.
    applied = {"id": first["id"], "status": "applied"}

    def settled(s: dict[str, Any]) -> bool:
        gates = [{k: g[k] for k in applied} for g in s["gates"]]
        return applied in gates and s["run"]["status"] == "waiting"

    await runs.wait(run_id, as_editor, settled)

    params = [("course_id", str(idle.id)), ("course_id", str(started.id))]
    response = await client.get(URL, params=params, headers=as_editor)

    assert response.status_code == 200, response.text
    assert response.json() == [
        {
            "course_id": str(idle.id),
            "run_id": None,
            "run_status": None,
            "phase": None,
            "lessons_total": 0,
            "lessons_approved": 0,
            "pending_reviews": 0,
        },
        {
            "course_id": str(started.id),
            "run_id": run_id,
            "run_status": "waiting",
            "phase": "lessons",
            "lessons_total": 2,
            "lessons_approved": 1,
            "pending_reviews": 1,
        },
    ]


async def test_courses_the_caller_cannot_read_are_left_out(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    editor, member = await factory.user(Role.EDITOR), await factory.user(None)
    theirs, shared = await factory.course(editor), await factory.course(editor)
    await factory.member(shared, member, Role.VIEWER)
    asked = [str(theirs.id), str(shared.id), str(uuid.uuid4()), str(shared.id)]

    response = await client.get(
        URL, params=[("course_id", c) for c in asked], headers=await factory.headers(member)
    )

    assert response.status_code == 200
    assert [p["course_id"] for p in response.json()] == [str(shared.id)]


async def test_bad_requests_are_refused_clearly(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    headers = await factory.headers(await factory.user(Role.EDITOR))
    assert (await client.get(URL)).status_code == 401
    for params in (
        [],
        [("course_id", "not-a-uuid")],
        [("course_id", str(uuid.uuid4()))] * 101,
    ):
        response = await client.get(URL, params=params, headers=headers)
        assert response.status_code == 422, response.text
        assert "course_id" in response.text
