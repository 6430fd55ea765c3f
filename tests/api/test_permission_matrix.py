"""Every route x every kind of caller gets the status the permission matrix promises.

The expectations below are written out by hand (not derived from app code), so a change to
the matrix in app/core/permissions.py must be mirrored here and in docs/permissions.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.assets import service as assets
from app.assets.store import MediaStore
from app.chat.models import LessonSuggestion
from app.core.access import api_operations
from app.core.permissions import Role
from app.core.permissions_doc import render
from app.courses import service as courses
from app.courses.models import Course, CourseMember
from app.courses.schemas import CourseCreate
from app.courses.service import CourseAccess
from app.exports.models import Export, ExportStatus
from app.exports.snapshot import course_document
from app.exports.storage import storage_for
from app.main import create_app
from app.migrate import ROOT
from app.notifications import unsubscribe
from app.notifications.kinds import NotificationKind
from app.webhooks import service as webhooks
from app.webhooks.models import WebhookDelivery, WebhookEvent
from app.webhooks.schemas import EndpointCreate
from app.webhooks.service import Scope
from app.workflow.models import GateKind, GateStatus, ReviewGate, RunStatus, WorkflowRun
from tests.assets.images import png
from tests.factories import PASSWORD, Factory
from tests.workflow.briefs import make_brief

PRINCIPALS = (
    "anonymous",
    "viewer",
    "reviewer",
    "editor",
    "admin",
    "outsider",  # no global role; editor of another course only
    "course_viewer",
    "course_editor",
    "course_admin",  # the target course's owner, no global role
)
GLOBAL_ROLES = {"viewer": Role.VIEWER, "reviewer": Role.REVIEWER, "editor": Role.EDITOR}
SIGNED_IN = frozenset(PRINCIPALS) - {"anonymous"}
COURSE_READERS = frozenset(
    {"viewer", "reviewer", "editor", "admin", "course_viewer", "course_editor", "course_admin"}
)
COURSE_EDITORS = frozenset({"editor", "admin", "course_editor", "course_admin"})
COURSE_ADMINS = frozenset({"admin", "course_admin"})
EVERYONE = frozenset(PRINCIPALS)


@dataclass
class World:
    users: dict[str, Any]
    headers: dict[str, dict[str, str]]
    course_id: uuid.UUID
    module_id: uuid.UUID
    lesson_id: uuid.UUID
    client: httpx.AsyncClient
    app: Any
    extra: dict[str, str] = field(default_factory=dict)  # ids a case's setup created


Body = Callable[[World], Awaitable[dict[str, Any] | None]]


async def _no_body(_: World) -> None:
    return None


async def _no_setup(_: World) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Case:
    allowed: frozenset[str]
    success: int = 200
    course_scoped: bool = False
    body: Body = _no_body
    path_args: dict[str, str] = field(default_factory=dict)
    setup: Callable[[World], Awaitable[dict[str, str]]] = _no_setup
    upload: tuple[str, bytes, str] | None = None  # a multipart file to send instead of JSON


async def _progress_query(world: World) -> dict[str, str]:
    return {"query": f"course_id={world.course_id}"}


async def _login_body(world: World) -> dict[str, Any]:
    return {"email": world.users["admin"].email, "password": PASSWORD}


async def _refresh_body(world: World) -> dict[str, Any]:
    login = await world.client.post("/api/v1/auth/login", json=await _login_body(world))
    return {"refresh_token": login.json()["refresh_token"]}


def _json(value: dict[str, Any]) -> Body:
    async def body(_: World) -> dict[str, Any]:
        return value

    return body


async def _brief(_: World) -> dict[str, Any]:
    return {"brief": make_brief().model_dump(mode="json")}


def _run_in(status: RunStatus) -> Callable[[World], Awaitable[dict[str, str]]]:
    """A run of the target course in `status`, with a pending outline gate and a checkpoint
    (written through the real graph, so a fork has something to fork from)."""

    async def setup(world: World) -> dict[str, str]:
        run_id = uuid.uuid4()
        graph = world.app.state.workflow.graph
        config = await graph.aupdate_state(
            {"configurable": {"thread_id": str(run_id)}},
            {"run_id": str(run_id), "course_id": str(world.course_id), "brief": {}},
            as_node="outline",
        )
        checkpoint_id = config["configurable"]["checkpoint_id"]
        async with world.app.state.sessions() as session:
            session.add(
                WorkflowRun(
                    id=run_id,
                    course_id=world.course_id,
                    thread_id=str(run_id),
                    head_checkpoint=checkpoint_id,
                    status=status,
                    brief=make_brief().model_dump(mode="json"),
                )
            )
            await session.flush()
            gate = ReviewGate(
                run_id=run_id,
                course_id=world.course_id,
                interrupt_id="matrix",
                kind=GateKind.OUTLINE,
                status=GateStatus.PENDING,
            )
            session.add(gate)
            await session.commit()
        return {"run_id": str(run_id), "gate_id": str(gate.id), "checkpoint_id": checkpoint_id}

    return setup


async def _suggestion(world: World) -> dict[str, str]:
    """A chat suggestion for the target course's lesson, proposed against its version 1."""
    async with world.app.state.sessions() as session:
        suggestion = LessonSuggestion(
            course_id=world.course_id,
            lesson_id=world.lesson_id,
            base_version=1,
            content="<p>Suggested text</p>",
            diff="",
        )
        session.add(suggestion)
        await session.commit()
    return {"suggestion_id": str(suggestion.id)}


async def _finished_export(world: World) -> dict[str, str]:
    """A stored export of the target course and a valid signed link to its file."""
    async with world.app.state.sessions() as session:
        export = Export(
            course_id=world.course_id,
            format="json",
            status=ExportStatus.SUCCEEDED,
            storage_key=f"{world.course_id}/matrix/target.json",
        )
        session.add(export)
        await session.commit()
    storage = storage_for(world.app.state.settings)
    await storage.put(export.storage_key or "", b"{}", "application/json")
    link = storage.link(export.id, export.storage_key or "", "target.json")
    return {"export_id": str(export.id), "query": link.url.split("?", 1)[1]}


NOTES = ("notes.md", b"# Notes\n\nText.", "text/markdown")
IMAGE = ("pixel.png", png(), "image/png")


async def _asset(world: World) -> dict[str, str]:
    """An image of the target course, uploaded by its owner."""
    async with world.app.state.sessions() as session:
        course = await session.get(Course, world.course_id)
        access = CourseAccess(course, world.users["course_admin"], Role.ADMIN)
        data = png("navy")
        store = MediaStore.of(world.app.state.settings)
        asset, _ = await assets.upload(
            session, access, "chart.png", data, world.app.state.settings, store
        )
        await session.commit()
    return {"name": asset.name}


async def _course_json(world: World) -> dict[str, Any]:
    async with world.app.state.sessions() as session:
        course = await session.get(Course, world.course_id)
        document = await course_document(session, course, MediaStore.of(world.app.state.settings))
    return document.model_dump(mode="json", by_alias=True)


async def _fork_body(world: World) -> dict[str, Any]:
    return {"checkpoint_id": world.extra["checkpoint_id"]}


def _webhook(course_scoped: bool) -> Callable[[World], Awaitable[dict[str, str]]]:
    """An endpoint (the organisation's or the target course's) with one queued message."""

    async def setup(world: World) -> dict[str, str]:
        settings = world.app.state.settings
        async with world.app.state.sessions() as session:
            scope = Scope(world.course_id if course_scoped else None, world.users["admin"])
            body = EndpointCreate(url=HOOK, events=[WebhookEvent.RUN_STARTED])
            endpoint, _ = await webhooks.create_endpoint(session, settings, scope, body)
            delivery = WebhookDelivery(
                endpoint_id=endpoint.id, message_id="msg_matrix", event="run.started", payload={}
            )
            session.add(delivery)
            await session.commit()
        return {"endpoint_id": str(endpoint.id), "delivery_id": str(delivery.id)}

    return setup


def _webhook_cases(
    prefix: str, allowed: frozenset[str], course_scoped: bool
) -> dict[tuple[str, str], Case]:
    one, setup = f"{prefix}/{{endpoint_id}}", _webhook(course_scoped)
    delivery = f"{one}/deliveries/{{delivery_id}}"
    scoped = {"course_scoped": course_scoped}
    return {
        ("GET", prefix): Case(allowed, **scoped),
        ("POST", prefix): Case(
            allowed, 201, body=_json({"url": HOOK, "events": ["run.failed"]}), **scoped
        ),
        ("GET", one): Case(allowed, setup=setup, **scoped),
        ("PATCH", one): Case(
            allowed, setup=setup, body=_json({"description": "CI", "version": 1}), **scoped
        ),
        ("DELETE", one): Case(allowed, 204, setup=setup, **scoped),
        ("GET", f"{one}/secret"): Case(allowed, setup=setup, **scoped),
        ("POST", f"{one}/rotate-secret"): Case(allowed, setup=setup, body=_json({}), **scoped),
        ("POST", f"{one}/test"): Case(allowed, setup=setup, **scoped),
        ("GET", f"{one}/deliveries"): Case(allowed, setup=setup, **scoped),
        ("GET", delivery): Case(allowed, setup=setup, **scoped),
        ("POST", f"{delivery}/redeliver"): Case(allowed, 202, setup=setup, **scoped),
    }


async def _unsubscribe_query(world: World) -> dict[str, str]:
    signed = unsubscribe.token(
        world.app.state.settings, world.users["viewer"].id, NotificationKind.RUN_FAILED
    )
    return {"query": f"token={signed}"}


async def _no_sync(_: World) -> dict[str, str]:
    return {"sync_id": str(uuid.uuid4())}


DRIVE = "/api/v1/integrations/drive"
HOOK = "http://127.0.0.1:9/hook"  # nothing listens: a test message reports the refusal
RUNS = "/api/v1/courses/{course_id}/runs"
DECIDERS = frozenset({"reviewer", "admin", "course_admin"})
_waiting = _run_in(RunStatus.WAITING)

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case(EVERYONE),
    ("GET", "/readyz"): Case(EVERYONE),
    ("GET", "/metrics"): Case(EVERYONE),
    ("POST", "/api/v1/auth/login"): Case(EVERYONE, body=_login_body),
    ("POST", "/api/v1/auth/refresh"): Case(EVERYONE, body=_refresh_body),
    ("POST", "/api/v1/auth/logout"): Case(SIGNED_IN, 204),
    ("GET", "/api/v1/auth/me"): Case(SIGNED_IN),
    ("POST", "/api/v1/auth/password"): Case(
        SIGNED_IN,
        204,
        body=_json({"current_password": PASSWORD, "new_password": "another long passphrase"}),
    ),
    ("GET", "/api/v1/users"): Case(frozenset({"admin"})),
    ("POST", "/api/v1/users"): Case(
        frozenset({"admin"}),
        201,
        body=_json(
            {"email": "new@example.com", "display_name": "New", "password": "long enough pass"}
        ),
    ),
    ("GET", "/api/v1/users/{user_id}"): Case(frozenset({"admin"}), path_args={"user_id": "viewer"}),
    ("PATCH", "/api/v1/users/{user_id}"): Case(
        frozenset({"admin"}),
        body=_json({"display_name": "Renamed", "version": 1}),
        path_args={"user_id": "viewer"},
    ),
    ("GET", "/api/v1/audit"): Case(frozenset({"admin"})),
    ("GET", "/api/v1/courses"): Case(SIGNED_IN),
    ("POST", "/api/v1/courses"): Case(
        frozenset({"editor", "admin"}), 201, body=_json({"title": "Another course"})
    ),
    ("GET", "/api/v1/courses/{course_id}"): Case(COURSE_READERS, course_scoped=True),
    ("PATCH", "/api/v1/courses/{course_id}"): Case(
        COURSE_EDITORS, course_scoped=True, body=_json({"title": "Renamed", "version": 1})
    ),
    ("DELETE", "/api/v1/courses/{course_id}"): Case(COURSE_ADMINS, 204, course_scoped=True),
    ("POST", "/api/v1/courses/{course_id}/restore"): Case(COURSE_ADMINS, course_scoped=True),
    ("GET", "/api/v1/courses/{course_id}/members"): Case(COURSE_READERS, course_scoped=True),
    ("PUT", "/api/v1/courses/{course_id}/members/{user_id}"): Case(
        COURSE_ADMINS,
        course_scoped=True,
        body=_json({"role": "reviewer"}),
        path_args={"user_id": "reviewer"},
    ),
    ("DELETE", "/api/v1/courses/{course_id}/members/{user_id}"): Case(
        COURSE_ADMINS, 204, course_scoped=True, path_args={"user_id": "course_viewer"}
    ),
    ("GET", "/api/v1/courses/{course_id}/outline"): Case(COURSE_READERS, course_scoped=True),
    ("POST", "/api/v1/courses/{course_id}/modules"): Case(
        COURSE_EDITORS, 201, course_scoped=True, body=_json({"title": "Module two"})
    ),
    ("POST", "/api/v1/courses/{course_id}/modules/{module_id}/lessons"): Case(
        COURSE_EDITORS, 201, course_scoped=True, body=_json({"title": "Lesson two"})
    ),
    ("GET", "/api/v1/courses/{course_id}/lessons/{lesson_id}"): Case(
        COURSE_READERS, course_scoped=True
    ),
    ("PATCH", "/api/v1/courses/{course_id}/lessons/{lesson_id}"): Case(
        COURSE_EDITORS, course_scoped=True, body=_json({"content": "<p>new</p>", "version": 1})
    ),
    ("DELETE", "/api/v1/courses/{course_id}/lessons/{lesson_id}"): Case(
        COURSE_EDITORS, 204, course_scoped=True
    ),
    ("POST", "/api/v1/courses/{course_id}/lessons/{lesson_id}/restore"): Case(
        COURSE_EDITORS, course_scoped=True
    ),
    ("GET", "/api/v1/courses/{course_id}/lessons/{lesson_id}/revisions"): Case(
        COURSE_READERS, course_scoped=True
    ),
    ("POST", f"{RUNS}/estimate"): Case(COURSE_EDITORS, course_scoped=True, body=_brief),
    ("POST", RUNS): Case(COURSE_EDITORS, 202, course_scoped=True, body=_brief),
    ("GET", RUNS): Case(COURSE_READERS, course_scoped=True),
    ("GET", f"{RUNS}/{{run_id}}"): Case(COURSE_READERS, course_scoped=True, setup=_waiting),
    ("POST", f"{RUNS}/{{run_id}}/gates/{{gate_id}}/decision"): Case(
        DECIDERS, 201, course_scoped=True, setup=_waiting, body=_json({"decision": "approve"})
    ),
    ("POST", f"{RUNS}/{{run_id}}/cancel"): Case(COURSE_EDITORS, course_scoped=True, setup=_waiting),
    ("POST", f"{RUNS}/{{run_id}}/retry"): Case(
        COURSE_EDITORS, 202, course_scoped=True, setup=_run_in(RunStatus.FAILED)
    ),
    ("GET", f"{RUNS}/{{run_id}}/checkpoints"): Case(
        COURSE_READERS, course_scoped=True, setup=_waiting
    ),
    ("POST", f"{RUNS}/{{run_id}}/fork"): Case(
        COURSE_EDITORS, 202, course_scoped=True, setup=_waiting, body=_fork_body
    ),
    ("GET", "/api/v1/reviews/pending"): Case(SIGNED_IN),
    # Anyone signed in; what each may see of the course is the progress test's business.
    ("GET", "/api/v1/progress"): Case(SIGNED_IN, setup=_progress_query),
    ("GET", "/api/v1/courses/{course_id}/events"): Case(COURSE_READERS, course_scoped=True),
    ("GET", "/api/v1/courses/{course_id}/chat/messages"): Case(COURSE_READERS, course_scoped=True),
    ("GET", "/api/v1/courses/{course_id}/suggestions"): Case(COURSE_READERS, course_scoped=True),
    ("POST", "/api/v1/courses/{course_id}/suggestions/{suggestion_id}/accept"): Case(
        COURSE_EDITORS, course_scoped=True, setup=_suggestion
    ),
    ("POST", "/api/v1/courses/{course_id}/suggestions/{suggestion_id}/reject"): Case(
        COURSE_EDITORS, course_scoped=True, setup=_suggestion
    ),
    ("POST", "/api/v1/courses/{course_id}/exports"): Case(
        COURSE_EDITORS, 202, course_scoped=True, body=_json({"format": "json"})
    ),
    ("GET", "/api/v1/courses/{course_id}/exports"): Case(COURSE_READERS, course_scoped=True),
    ("GET", "/api/v1/courses/{course_id}/exports/formats"): Case(
        COURSE_READERS, course_scoped=True
    ),
    ("GET", "/api/v1/courses/{course_id}/exports/{export_id}/download"): Case(
        COURSE_READERS, course_scoped=True, setup=_finished_export
    ),
    ("GET", "/api/v1/exports/{export_id}/file"): Case(EVERYONE, setup=_finished_export),
    ("POST", "/api/v1/courses/import"): Case(
        frozenset({"editor", "admin"}), 201, body=_course_json
    ),
    ("POST", "/api/v1/courses/{course_id}/sources"): Case(
        COURSE_EDITORS, 201, course_scoped=True, upload=NOTES
    ),
    ("POST", "/api/v1/courses/{course_id}/assets"): Case(
        COURSE_EDITORS, 201, course_scoped=True, upload=IMAGE
    ),
    ("GET", "/api/v1/courses/{course_id}/assets"): Case(COURSE_READERS, course_scoped=True),
    ("GET", "/api/v1/courses/{course_id}/assets/{name}"): Case(
        COURSE_READERS, course_scoped=True, setup=_asset
    ),
    ("DELETE", "/api/v1/courses/{course_id}/assets/{name}"): Case(
        COURSE_EDITORS, 204, course_scoped=True, setup=_asset
    ),
    **_webhook_cases("/api/v1/webhooks", frozenset({"admin"}), course_scoped=False),
    **_webhook_cases("/api/v1/courses/{course_id}/webhooks", COURSE_ADMINS, course_scoped=True),
    # Drive: the test app has no Google client, so the calls that need Google stop right
    # after the permission check (503 not configured, 409 not connected): tests/integrations.
    ("GET", DRIVE): Case(SIGNED_IN),
    ("DELETE", DRIVE): Case(SIGNED_IN, 204),
    ("POST", f"{DRIVE}/connect"): Case(SIGNED_IN, 503),
    ("GET", f"{DRIVE}/callback"): Case(EVERYONE, 303),
    ("GET", f"{DRIVE}/folders"): Case(SIGNED_IN, 409),
    ("POST", f"{DRIVE}/folders"): Case(SIGNED_IN, 409, body=_json({"name": "Exports"})),
    ("PUT", f"{DRIVE}/folder"): Case(SIGNED_IN, 409, body=_json({"folder_id": "f1"})),
    ("POST", "/api/v1/courses/{course_id}/exports/{export_id}/drive"): Case(
        COURSE_READERS, 409, course_scoped=True, setup=_finished_export, body=_json({})
    ),
    ("GET", "/api/v1/courses/{course_id}/drive-syncs"): Case(COURSE_READERS, course_scoped=True),
    ("DELETE", "/api/v1/courses/{course_id}/drive-syncs/{sync_id}"): Case(
        COURSE_READERS, 404, course_scoped=True, setup=_no_sync
    ),
    ("GET", "/api/v1/notifications/preferences"): Case(SIGNED_IN),
    ("PUT", "/api/v1/notifications/preferences"): Case(
        SIGNED_IN, body=_json({"preferences": {"run_failed": False}})
    ),
    ("GET", "/api/v1/notifications/unsubscribe"): Case(EVERYONE, setup=_unsubscribe_query),
    ("POST", "/api/v1/notifications/unsubscribe"): Case(EVERYONE, setup=_unsubscribe_query),
}


def _expected(case: Case, principal: str) -> int:
    if principal in case.allowed:
        return case.success
    if principal == "anonymous":
        return 401
    if case.course_scoped and principal not in COURSE_READERS:
        return 404  # no standing on the course: its existence is not revealed
    return 403


def test_every_route_is_in_the_matrix(settings: Any) -> None:
    served = {(op.method, op.path) for op in api_operations(create_app(settings))}
    assert served - set(MATRIX) == set(), "routes missing from the permission matrix test"
    assert set(MATRIX) - served == set(), "matrix entries for routes that no longer exist"


def test_every_route_declares_access(settings: Any) -> None:
    undeclared = [op for op in api_operations(create_app(settings)) if op.access is None]
    assert undeclared == []


def test_permissions_doc_is_current() -> None:
    assert (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8") == render()


async def _world(client: httpx.AsyncClient, factory: Factory) -> World:
    """All the users, courses and sign-ins of one case, in one transaction (it runs 270 times)."""
    roles = {**GLOBAL_ROLES, "admin": Role.ADMIN}
    async with factory.sessions() as session:
        users = {name: factory.new_user(session, roles.get(name)) for name in PRINCIPALS[1:]}
        await session.flush()
        course = await courses.create_course(
            session, CourseCreate(title="Target"), users["course_admin"]
        )
        other = await courses.create_course(session, CourseCreate(title="Other"), users["admin"])
        session.add_all(
            [
                CourseMember(course_id=other.id, user_id=users["outsider"].id, role=Role.EDITOR),
                CourseMember(
                    course_id=course.id, user_id=users["course_viewer"].id, role=Role.VIEWER
                ),
                CourseMember(
                    course_id=course.id, user_id=users["course_editor"].id, role=Role.EDITOR
                ),
            ]
        )
        module, lesson = await factory.new_lesson(session, course, users["course_admin"])
        headers = {name: factory.new_sign_in(session, user) for name, user in users.items()}
        await session.commit()
    return World(users, headers, course.id, module.id, lesson.id, client, factory.app)


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
async def test_route_answers_as_the_matrix_says(
    client: httpx.AsyncClient, factory: Factory, method: str, path: str, principal: str
) -> None:
    case = MATRIX[(method, path)]
    world = await _world(client, factory)
    ids = {
        "course_id": str(world.course_id),
        "module_id": str(world.module_id),
        "lesson_id": str(world.lesson_id),
    }
    ids.update({arg: str(world.users[who].id) for arg, who in case.path_args.items()})
    world.extra = await case.setup(world)
    query = world.extra.pop("query", "")
    ids.update(world.extra)
    body = await case.body(world)
    files = {"file": case.upload} if case.upload else None
    response = await client.request(
        method,
        path.format(**ids) + (f"?{query}" if query else ""),
        json=body,
        files=files,
        headers=world.headers.get(principal, {}),
    )
    assert response.status_code == _expected(case, principal), response.text
    if response.status_code >= 400:
        assert set(response.json()) >= {"error", "detail", "request_id"}
