"""Who gets mail about what: course events, a password change and a lockout queue mail in
their own transaction; the worker's job sends it over real SMTP, retries when the server
is away, honours preferences and one-click unsubscribes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from app.core.db import utcnow
from app.core.permissions import Role
from app.exports.models import Export, ExportStatus
from app.notifications import jobs, unsubscribe
from app.notifications.kinds import NotificationKind
from app.notifications.models import Notification, NotificationStatus
from app.realtime.events import EventType
from app.users.models import User
from tests.chat.support import job_context
from tests.factories import PASSWORD, Factory
from tests.notifications.smtp_server import smtp_server
from tests.webhooks.support import happen

PREFERENCES = "/api/v1/notifications/preferences"


async def _queued(app: Any) -> list[Notification]:
    async with app.state.sessions() as session:
        query = select(Notification).order_by(Notification.created_at, Notification.kind)
        return list(await session.scalars(query))


async def test_course_events_mail_the_people_concerned(app: Any, factory: Factory) -> None:
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author)
    member_reviewer = await factory.user()
    await factory.member(course, member_reviewer, Role.REVIEWER)
    global_reviewer = await factory.user(Role.REVIEWER)
    await factory.user(Role.VIEWER)  # nobody asked them
    async with app.state.sessions() as session:
        export = Export(course_id=course.id, format="pdf", status=ExportStatus.SUCCEEDED)
        export.requested_by = author.id
        session.add(export)
        await session.commit()

    await happen(app, course, EventType.RUN_WAITING, {"gates": 3})
    decision = {
        "by": str(member_reviewer.id),
        "decision": "reject",
        "kind": "lesson",
        "title": "Ladders and load",  # as the workflow names a lesson gate
    }
    await happen(app, course, EventType.DECISION_MADE, decision | {"feedback": "Too long"})
    await happen(app, course, EventType.RUN_FAILED, {"error": "The model refused."})
    await happen(
        app, course, EventType.EXPORT_READY, {"export_id": str(export.id), "format": "pdf"}
    )
    await happen(app, course, EventType.LESSON_TOKENS, {"text": "nobody is mailed this"})

    mail = {(m.user_id, m.kind): m.context for m in await _queued(app)}
    assert set(mail) == {
        (member_reviewer.id, "review_requested"),
        (global_reviewer.id, "review_requested"),
        (author.id, "decision_made"),
        (author.id, "run_failed"),
        (author.id, "export_ready"),
    }
    assert mail[(member_reviewer.id, "review_requested")]["item"] == "3 items"
    decided = mail[(author.id, "decision_made")]
    assert decided["feedback"] == "Too long"
    assert decided["item"] == "the lesson “Ladders and load”"
    assert decided["reviewer_name"] == member_reviewer.display_name
    assert decided["recipient_name"] == author.display_name
    assert mail[(author.id, "run_failed")]["error_summary"] == "The model refused."
    assert mail[(author.id, "export_ready")]["export_format"] == "PDF"


async def test_optional_mail_follows_preferences_and_security_mail_cannot_be_off(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    author = await factory.user(Role.EDITOR)
    headers = await factory.headers(author)
    course = await factory.course(author)
    listed = (await client.get(PREFERENCES, headers=headers)).json()
    assert {p["kind"] for p in listed} == set(NotificationKind)
    assert all(p["enabled"] for p in listed)

    off = await client.put(
        PREFERENCES, json={"preferences": {"run_failed": False}}, headers=headers
    )
    assert {p["kind"]: p["enabled"] for p in off.json()}["run_failed"] is False
    refused = await client.put(
        PREFERENCES, json={"preferences": {"password_changed": False}}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == "critical_notification"
    unknown = await client.put(PREFERENCES, json={"preferences": {"spam": False}}, headers=headers)
    assert unknown.status_code == 422

    await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
    assert await _queued(app) == []


async def test_one_click_unsubscribe_turns_off_what_the_link_names(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author)
    settings = app.state.settings
    link = unsubscribe.token(settings, author.id, NotificationKind.EXPORT_READY)
    url = f"/api/v1/notifications/unsubscribe?token={link}"

    page = await client.get(url)  # scanners follow links: showing changes nothing
    assert page.status_code == 200
    assert 'method="post"' in page.text
    assert "export is ready" in page.text
    # What a mail client sends for RFC 8058 one-click, with no sign-in.
    done = await client.post(url, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    assert "no longer receive" in done.text
    assert (await client.post(url)).status_code == 200  # a repeat is harmless

    headers = await factory.headers(author)
    kinds = {
        p["kind"]: p["enabled"] for p in (await client.get(PREFERENCES, headers=headers)).json()
    }
    assert kinds["export_ready"] is False
    assert kinds["run_failed"] is True

    forged = link[:-2] + ("AA" if not link.endswith("AA") else "BB")
    bad = await client.post(f"/api/v1/notifications/unsubscribe?token={forged}")
    assert bad.status_code == 400
    assert bad.json()["error"] == "unsubscribe_link_invalid"
    assert (await client.get("/api/v1/notifications/unsubscribe")).status_code == 422

    everything = unsubscribe.token(settings, author.id, unsubscribe.ALL)
    await client.post(f"/api/v1/notifications/unsubscribe?token={everything}")
    await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
    assert await _queued(app) == []


async def test_a_password_change_and_a_lockout_mail_the_account_owner(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user(Role.EDITOR)
    headers = await factory.headers(user)
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=headers,
    )
    assert changed.status_code == 204
    limit = app.state.settings.login_max_failures_per_account
    for _ in range(limit):
        wrong = {"email": user.email, "password": "not it at all"}
        assert (await client.post("/api/v1/auth/login", json=wrong)).status_code == 401

    mail = await _queued(app)
    assert [(m.user_id, m.kind) for m in mail] == [
        (user.id, "password_changed"),
        (user.id, "account_locked"),
    ]
    assert mail[0].context["client_ip"] == "203.0.113.10"
    assert "locked_until" in mail[1].context
    # No mail for an address that has no account (that would confirm who is not a user).
    for _ in range(limit):
        await client.post(
            "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "x" * 12}
        )
    assert len(await _queued(app)) == 2


async def test_the_job_sends_over_smtp_and_retries_while_the_server_is_away(
    app: Any, factory: Factory
) -> None:
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author)
    await happen(app, course, EventType.RUN_FAILED, {"error": "The model refused."})
    notification = (await _queued(app))[0]
    with smtp_server() as server:
        settings = app.state.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_security": "none"}
        )
        ctx = job_context(app)
        ctx.settings = settings
        server.recorder.data_answer = "451 4.3.0 try again later"
        assert await jobs.send(ctx, notification_id=str(notification.id)) == "pending"
        (row,) = await _queued(app)
        assert row.attempts == 1
        assert "451" in (row.last_error or "")
        assert row.next_attempt_at > utcnow() + timedelta(seconds=50)

        server.recorder.data_answer = None
        assert await jobs.send(ctx, notification_id=str(notification.id)) == "sent"
        assert await jobs.send(ctx, notification_id=str(notification.id)) == "sent"  # once
        (received,) = server.recorder.received
    assert received.rcpt_tos == [author.email]
    message = received.message()
    assert course.title in str(message["Subject"]) + message.get_body(("plain",)).get_content()
    assert "List-Unsubscribe" in message


async def test_a_refused_recipient_is_not_retried_and_off_means_skipped(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author)
    await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
    await happen(
        app, course, EventType.EXPORT_READY, {"export_id": str(uuid.uuid4()), "format": "pdf"}
    )
    await happen(app, course, EventType.RUN_FAILED, {"error": "y"})
    first, second = await _queued(app)
    with smtp_server() as server:
        ctx = job_context(app)
        ctx.settings = app.state.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_security": "none"}
        )
        server.recorder.rcpt_answer = "550 5.1.1 no such mailbox"
        assert await jobs.send(ctx, notification_id=str(first.id)) == "failed"
        headers = await factory.headers(author)
        await client.put(PREFERENCES, json={"preferences": {"run_failed": False}}, headers=headers)
        server.recorder.rcpt_answer = None
        assert await jobs.send(ctx, notification_id=str(second.id)) == "skipped"
        assert server.recorder.received == []


async def test_due_mail_is_queued_once_per_notification(app: Any, factory: Factory) -> None:
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author)
    await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
    ctx = job_context(app)
    assert (await jobs.dispatch_due(ctx)).queued == 1
    async with app.state.sessions() as session:
        await session.execute(
            update(Notification).values(
                status=NotificationStatus.PENDING, next_attempt_at=utcnow() + timedelta(hours=1)
            )
        )
        await session.commit()
    assert (await jobs.dispatch_due(ctx)).queued == 0  # not due yet


async def test_two_unsubscribes_at_once_both_succeed(
    app: Any, client: httpx.AsyncClient, factory: Factory
) -> None:
    author = await factory.user(Role.EDITOR)
    link = unsubscribe.token(app.state.settings, author.id, NotificationKind.RUN_FAILED)
    url = f"/api/v1/notifications/unsubscribe?token={link}"
    answers = await asyncio.gather(*(client.post(url) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4


async def test_mail_for_an_account_deactivated_since_is_skipped(app: Any, factory: Factory) -> None:
    author = await factory.user(Role.EDITOR)
    course = await factory.course(author)
    await happen(app, course, EventType.RUN_FAILED, {"error": "x"})
    async with app.state.sessions() as session:
        await session.execute(update(User).where(User.id == author.id).values(is_active=False))
        await session.commit()
    (queued,) = await _queued(app)
    assert await jobs.send(job_context(app), notification_id=str(queued.id)) == "skipped"
