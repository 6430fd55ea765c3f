"""Composing a notification: its subject, plain-text and HTML bodies from the templates,
and the headers mail clients act on (RFC 8058 one-click unsubscribe for optional kinds)."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import AddressHeader, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import Policy, default
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    UndefinedError,
    select_autoescape,
)

from app.config import Settings
from app.notifications import unsubscribe
from app.notifications.errors import InvalidNotification
from app.notifications.kinds import NotificationKind

TEMPLATES = Path(__file__).parent / "templates"
KIND_HEADER = "X-Courzly-Notification"  # lets the log mailer (and mail filters) tell kinds apart

# Subjects are templates too (never HTML-escaped: a header is plain text).
SUBJECTS: dict[NotificationKind, str] = {
    NotificationKind.REVIEW_REQUESTED: "Review requested: {{ course_title }}",
    NotificationKind.DECISION_MADE: (
        "{{ {'approved': 'Approved', 'edited': 'Approved with edits',"
        " 'rejected': 'Sent back'}[decision] }}: {{ course_title }}"
    ),
    NotificationKind.RUN_FAILED: "Generation failed: {{ course_title }}",
    NotificationKind.EXPORT_READY: "Your {{ export_format }} export is ready: {{ course_title }}",
    NotificationKind.PASSWORD_CHANGED: "Your Courzly password was changed",
    NotificationKind.ACCOUNT_LOCKED: "Your Courzly account was locked after failed sign-ins",
    NotificationKind.WEBHOOK_DISABLED: (
        "A webhook was disabled after {{ failure_count }} failed deliveries"
    ),
}


class _VerbatimHeader(UnstructuredHeader, BaseHeader):
    """A header written on one line as it is. The standard folder turns a URL longer than
    a line into an RFC 2047 encoded word, which no mail client reads as a URL; the
    List-Unsubscribe value is ours (ASCII, no line break) and far below the 998 limit."""

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _VerbatimHeader)
# Header objects keep the class they were made with, so this holds whichever policy the
# message is later flattened with (aiosmtplib uses email.policy.SMTP).
MESSAGE_POLICY = default.clone(header_factory=_HEADERS)


@dataclass(frozen=True)
class RenderedNotification:
    subject: str
    text: str
    html: str


# Both vocabularies reach a decision mail: review rows say "approved", workflow gates
# "approve"; the templates know the first.
_DECISIONS = {
    "approve": "approved",
    "approved": "approved",
    "edit": "edited",
    "edited": "edited",
    "reject": "rejected",
    "rejected": "rejected",
}


def _utc(value: object) -> str:
    if not isinstance(value, datetime):
        raise InvalidNotification(f"a time must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # the database keeps UTC
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # A course title or reviewer feedback is user input: escaped in every .html file.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        # A forgotten value must fail the job, not mail "Hello ," to a user.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["utc"] = _utc
    return environment


def _refuse_control_characters(what: str, value: str) -> None:
    # A CR or LF would start a header of the caller's choosing (header injection).
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise InvalidNotification(f"the {what} contains a line break or control character")


def render(
    settings: Settings,
    kind: NotificationKind,
    context: Mapping[str, object],
    *,
    unsubscribe_url: str | None = None,
) -> RenderedNotification:
    """The subject and both bodies; `unsubscribe_url` goes in the footer when given."""
    missing = kind.context_keys - context.keys()
    if missing:
        raise InvalidNotification(f"{kind} mail needs {', '.join(sorted(missing))}")
    values = {
        **context,
        "base_url": settings.base_url,
        "kind_label": kind.label,
        "unsubscribe_url": unsubscribe_url,
    }
    if kind is NotificationKind.DECISION_MADE:
        decision = _DECISIONS.get(str(values["decision"]))
        if decision is None:
            raise InvalidNotification(f"unknown review decision {values['decision']!r}")
        values["decision"] = decision
    environment = template_environment()
    try:
        subject = environment.from_string(SUBJECTS[kind]).render(values).strip()
        _refuse_control_characters("subject", subject)
        values["subject"] = subject
        return RenderedNotification(
            subject=subject,
            text=environment.get_template(f"{kind}.txt").render(values),
            html=environment.get_template(f"{kind}.html").render(values),
        )
    except UndefinedError as exc:
        # The same message would fail on every retry: a caller's bug, reported as such.
        raise InvalidNotification(f"{kind} mail cannot be rendered: {exc.message}") from exc


def _message_id_domain(settings: Settings) -> str:
    _, address = parseaddr(settings.smtp_from)
    return address.rpartition("@")[2] or "localhost"


def compose(
    settings: Settings,
    kind: NotificationKind,
    to_address: str,
    context: Mapping[str, object],
    user_id: uuid.UUID,
) -> EmailMessage:
    """A multipart/alternative message to one recipient, ready for a Mailer."""
    _refuse_control_characters("recipient address", to_address)
    link = None
    if not kind.critical:
        link = unsubscribe.unsubscribe_url(settings, unsubscribe.token(settings, user_id, kind))
    rendered = render(settings, kind, context, unsubscribe_url=link)

    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = settings.smtp_from
    message["To"] = to_address
    recipients = message["To"]
    if not (
        isinstance(recipients, AddressHeader)
        and len(recipients.addresses) == 1
        and recipients.addresses[0].domain
    ):
        raise InvalidNotification("the recipient must be exactly one address")
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_message_id_domain(settings))
    # RFC 3834: out-of-office replies and other robots must not answer this mail.
    message["Auto-Submitted"] = "auto-generated"
    message[KIND_HEADER] = str(kind)
    if link is not None:
        message["List-Unsubscribe"] = f"<{link}>"
        # RFC 8058 one-click is defined for HTTPS only; over plain HTTP (a development
        # PUBLIC_URL) a client must not POST, so the link is offered without it.
        if link.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
