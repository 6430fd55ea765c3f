"""Kinds, templates and composed messages: every kind renders both parts with what its
reader needs, user input is escaped in HTML and kept out of headers, and optional mail
(only optional mail) carries RFC 8058 one-click unsubscribe."""

from __future__ import annotations

import uuid
from datetime import datetime
from email.policy import SMTP
from typing import Any

import jinja2
import pytest
from jinja2 import meta

from app.notifications import unsubscribe
from app.notifications.errors import InvalidNotification
from app.notifications.kinds import CRITICAL_KINDS, OPTIONAL_KINDS, NotificationKind
from app.notifications.messages import (
    KIND_HEADER,
    SUBJECTS,
    TEMPLATES,
    compose,
    render,
    template_environment,
)
from tests.notifications.samples import CONTEXTS, COURSE_ID, PUBLIC_URL, settings_for

SETTINGS = settings_for()
USER_ID = uuid.UUID("6b1d0a52-3c0e-4f7c-8f35-1c2d3e4f5a6b")
TO = "Ada Lovelace <ada@example.org>"
# What compose() adds to the caller's values.
PROVIDED = {"base_url", "kind_label", "unsubscribe_url", "subject"}


def _parts(message: Any) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def test_the_critical_kinds_are_security_and_operations_mail() -> None:
    assert {
        NotificationKind.PASSWORD_CHANGED,
        NotificationKind.ACCOUNT_LOCKED,
        NotificationKind.WEBHOOK_DISABLED,
    } == CRITICAL_KINDS
    assert set(NotificationKind) - CRITICAL_KINDS == OPTIONAL_KINDS
    assert all(kind.critical for kind in CRITICAL_KINDS)
    assert not any(kind.critical for kind in OPTIONAL_KINDS)


def test_every_kind_has_a_label_of_its_own() -> None:
    labels = [kind.label for kind in NotificationKind]
    assert all(labels)
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_the_documented_keys_are_the_ones_the_templates_use(kind: NotificationKind) -> None:
    environment = template_environment()
    used: set[str] = set(meta.find_undeclared_variables(environment.parse(SUBJECTS[kind])))
    for name in (f"{kind}.txt", f"{kind}.html", "_base.txt", "_base.html"):
        source = (TEMPLATES / name).read_text()
        used |= meta.find_undeclared_variables(environment.parse(source))
    assert used - PROVIDED == kind.context_keys
    assert set(CONTEXTS[kind]) == kind.context_keys


EXPECTED: dict[NotificationKind, list[str]] = {
    NotificationKind.REVIEW_REQUESTED: [
        "Grace Hopper asked for your review of the outline",
        f"{PUBLIC_URL}/reviews",
        f"{PUBLIC_URL}/courses/{COURSE_ID}",
    ],
    NotificationKind.DECISION_MADE: [
        "Grace Hopper sent back lesson 3: Loops",
        "Add one before the quiz.",
        f"{PUBLIC_URL}/courses/{COURSE_ID}",
    ],
    NotificationKind.RUN_FAILED: [
        "lessons",
        "answered 429 (rate limited) three times",
        f"{PUBLIC_URL}/courses/{COURSE_ID}/run",
    ],
    NotificationKind.EXPORT_READY: ["SCORM 1.2", f"{PUBLIC_URL}/courses/{COURSE_ID}/exports"],
    NotificationKind.PASSWORD_CHANGED: [
        "2025-03-04 15:04 UTC",
        "203.0.113.10",
        "this was not you",
        f"{PUBLIC_URL}/sign-in",
    ],
    NotificationKind.ACCOUNT_LOCKED: [
        "2025-03-04 15:04 UTC",
        "198.51.100.7",
        "2025-03-04 15:19 UTC",
        "this was not you",
    ],
    NotificationKind.WEBHOOK_DISABLED: [
        "https://hooks.example.org/courzly",
        "TLS certificate expired",
        "20 deliveries",
        "2025-03-04 15:04 UTC",
    ],
}


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_kind_renders_both_parts(kind: NotificationKind) -> None:
    message = compose(SETTINGS, kind, TO, CONTEXTS[kind], USER_ID)
    text, html = _parts(message)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    for body in (text, html):
        readable = body.replace("<strong>", "").replace("</strong>", "")
        assert "Hello Ada Lovelace," in readable
        for expected in EXPECTED[kind]:
            assert expected in readable, (kind, expected)
        if "course_title" in kind.context_keys:
            assert "Introduction to Python" in body
        assert "{{" not in body
        assert "{%" not in body
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert message["Subject"] == render(SETTINGS, kind, CONTEXTS[kind]).subject
    assert message[KIND_HEADER] == kind


def test_subjects_say_what_happened() -> None:
    subjects = {
        kind: str(compose(SETTINGS, kind, TO, CONTEXTS[kind], USER_ID)["Subject"])
        for kind in NotificationKind
    }
    assert subjects[NotificationKind.REVIEW_REQUESTED] == "Review requested: Introduction to Python"
    assert subjects[NotificationKind.DECISION_MADE] == "Sent back: Introduction to Python"
    assert subjects[NotificationKind.EXPORT_READY] == (
        "Your SCORM 1.2 export is ready: Introduction to Python"
    )
    assert subjects[NotificationKind.WEBHOOK_DISABLED] == (
        "A webhook was disabled after 20 failed deliveries"
    )
    assert len(set(subjects.values())) == len(subjects)


@pytest.mark.parametrize(
    ("decision", "verdict", "subject"),
    [
        ("approved", "Grace Hopper approved lesson 3", "Approved: "),
        ("edited", "Grace Hopper approved, with edits, lesson 3", "Approved with edits: "),
        ("rejected", "Grace Hopper sent back lesson 3", "Sent back: "),
    ],
)
def test_each_decision_reads_right(decision: str, verdict: str, subject: str) -> None:
    context = {**CONTEXTS[NotificationKind.DECISION_MADE], "decision": decision}
    rendered = render(SETTINGS, NotificationKind.DECISION_MADE, context)
    assert verdict in rendered.text
    assert rendered.subject.startswith(subject)


def test_a_decision_without_feedback_says_so() -> None:
    context = {**CONTEXTS[NotificationKind.DECISION_MADE], "feedback": ""}
    rendered = render(SETTINGS, NotificationKind.DECISION_MADE, context)
    assert "They left no feedback." in rendered.text
    assert "Their feedback" not in rendered.html


@pytest.mark.parametrize(
    ("gate_decision", "review_decision"),
    [("approve", "approved"), ("edit", "edited"), ("reject", "rejected")],
)
def test_workflow_gate_decisions_read_like_review_decisions(
    gate_decision: str, review_decision: str
) -> None:
    kind = NotificationKind.DECISION_MADE
    gate = render(SETTINGS, kind, {**CONTEXTS[kind], "decision": gate_decision})
    review = render(SETTINGS, kind, {**CONTEXTS[kind], "decision": review_decision})
    assert gate == review


def test_an_unknown_decision_fails_rather_than_mails_nonsense() -> None:
    context = {**CONTEXTS[NotificationKind.DECISION_MADE], "decision": "maybe"}
    with pytest.raises(InvalidNotification, match="maybe"):
        render(SETTINGS, NotificationKind.DECISION_MADE, context)


def test_a_template_error_is_reported_as_an_invalid_notification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A template reading a value nobody passes fails for good (the job must not retry it).
    kind = NotificationKind.RUN_FAILED
    monkeypatch.setitem(SUBJECTS, kind, "Failed: {{ nowhere }}")
    with pytest.raises(InvalidNotification, match="nowhere"):
        render(SETTINGS, kind, CONTEXTS[kind])


def test_html_escapes_user_input_and_text_keeps_it() -> None:
    title = '<script>alert("x")</script> & Co'
    context = {
        **CONTEXTS[NotificationKind.DECISION_MADE],
        "course_title": title,
        "feedback": '<img src=x onerror="steal()">',
        "reviewer_name": "<b>Mallory</b>",
    }
    message = compose(SETTINGS, NotificationKind.DECISION_MADE, TO, context, USER_ID)
    text, html = _parts(message)
    assert "<script>" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;img src=x onerror=&#34;steal()&#34;&gt;" in html
    assert title in text  # plain text shows it as typed
    assert message["Subject"] == f"Sent back: {title}"


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_a_missing_context_key_is_refused(kind: NotificationKind) -> None:
    for key in kind.context_keys:
        context = {k: v for k, v in CONTEXTS[kind].items() if k != key}
        with pytest.raises(InvalidNotification, match=key):
            compose(SETTINGS, kind, TO, context, USER_ID)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_templates_render_with_strict_undefined(kind: NotificationKind) -> None:
    # Below compose()'s own check: a template rendered without a value raises too.
    environment = template_environment()
    values = {"base_url": PUBLIC_URL, "kind_label": kind.label, "unsubscribe_url": None}
    values["subject"] = "s"
    for name in (f"{kind}.txt", f"{kind}.html"):
        template = environment.get_template(name)
        assert template.render({**values, **CONTEXTS[kind]})
        missing = sorted(kind.context_keys)[0]
        context = {k: v for k, v in CONTEXTS[kind].items() if k != missing}
        with pytest.raises(jinja2.UndefinedError):
            template.render({**values, **context})


def test_times_must_be_datetimes_and_naive_ones_are_utc() -> None:
    context = dict(CONTEXTS[NotificationKind.PASSWORD_CHANGED])
    context["occurred_at"] = datetime(2025, 3, 4, 15, 4)
    assert (
        "2025-03-04 15:04 UTC" in render(SETTINGS, NotificationKind.PASSWORD_CHANGED, context).text
    )
    context["occurred_at"] = "yesterday"
    with pytest.raises(InvalidNotification, match="datetime"):
        render(SETTINGS, NotificationKind.PASSWORD_CHANGED, context)


def test_the_envelope_headers() -> None:
    message = compose(
        SETTINGS,
        NotificationKind.EXPORT_READY,
        TO,
        CONTEXTS[NotificationKind.EXPORT_READY],
        USER_ID,
    )
    assert message["From"] == "Courzly <notifications@courzly.test>"
    assert message["To"] == TO
    assert message["Date"].datetime.tzinfo is not None
    assert message["Message-ID"].startswith("<")
    assert message["Message-ID"].endswith("@courzly.test>")
    assert message["Auto-Submitted"] == "auto-generated"
    other = compose(
        SETTINGS,
        NotificationKind.EXPORT_READY,
        TO,
        CONTEXTS[NotificationKind.EXPORT_READY],
        USER_ID,
    )
    assert other["Message-ID"] != message["Message-ID"]


@pytest.mark.parametrize("kind", sorted(OPTIONAL_KINDS))
def test_optional_mail_offers_one_click_unsubscribe(kind: NotificationKind) -> None:
    message = compose(SETTINGS, kind, TO, CONTEXTS[kind], USER_ID)
    url = unsubscribe.unsubscribe_url(SETTINGS, unsubscribe.token(SETTINGS, USER_ID, kind))
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(message)
    assert url in text
    assert f'href="{url}"' in html
    # On the wire the URL stays one readable line, not an RFC 2047 encoded word.
    wire = message.as_bytes(policy=SMTP)
    assert f"List-Unsubscribe: <{url}>\r\n".encode() in wire
    token = url.rpartition("token=")[2]
    assert unsubscribe.verify(SETTINGS, token) == (USER_ID, kind)


@pytest.mark.parametrize("kind", sorted(CRITICAL_KINDS))
def test_critical_mail_has_no_unsubscribe(kind: NotificationKind) -> None:
    message = compose(SETTINGS, kind, TO, CONTEXTS[kind], USER_ID)
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
    for body in _parts(message):
        assert "unsubscribe" not in body.lower()
        assert "cannot be turned off" in body


def test_one_click_is_offered_over_https_only() -> None:
    # RFC 8058: a client may POST to the link unattended only when it is HTTPS.
    settings = settings_for(PUBLIC_URL="http://127.0.0.1:8000")
    kind = NotificationKind.RUN_FAILED
    message = compose(settings, kind, TO, CONTEXTS[kind], USER_ID)
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/api/v1/")
    assert message["List-Unsubscribe-Post"] is None


@pytest.mark.parametrize(
    "to_address",
    [
        "ada@example.org\r\nBcc: everyone@example.org",
        "ada@example.org\nBcc: everyone@example.org",
        "ada@example.org\r",
        "Ada\x00 <ada@example.org>",
        "ada@example.org, eve@example.org",
        "not an address",
        "",
    ],
)
def test_a_bad_recipient_is_refused(to_address: str) -> None:
    kind = NotificationKind.EXPORT_READY
    with pytest.raises(InvalidNotification, match="recipient"):
        compose(SETTINGS, kind, to_address, CONTEXTS[kind], USER_ID)


@pytest.mark.parametrize("title", ["Python\r\nBcc: everyone@example.org", "Python\nX: y", "a\rb"])
def test_a_line_break_cannot_reach_the_subject(title: str) -> None:
    kind = NotificationKind.REVIEW_REQUESTED
    context = {**CONTEXTS[kind], "course_title": title}
    with pytest.raises(InvalidNotification, match="subject"):
        compose(SETTINGS, kind, TO, context, USER_ID)


def test_a_non_ascii_recipient_and_title_are_encoded() -> None:
    kind = NotificationKind.REVIEW_REQUESTED
    context = {**CONTEXTS[kind], "course_title": "Économie — 経済"}
    message = compose(SETTINGS, kind, "Zoë Ångström <zoe@example.org>", context, USER_ID)
    wire = message.as_bytes(policy=SMTP)
    assert wire.isascii()
    assert message["Subject"] == "Review requested: Économie — 経済"
