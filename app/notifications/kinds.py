"""The kinds of notification mail, which of them a user may turn off, and the values each
one's templates need (the one place the context keys are documented)."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    REVIEW_REQUESTED = "review_requested"
    DECISION_MADE = "decision_made"
    RUN_FAILED = "run_failed"
    EXPORT_READY = "export_ready"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a kind of mail, not a password
    ACCOUNT_LOCKED = "account_locked"
    WEBHOOK_DISABLED = "webhook_disabled"

    @property
    def critical(self) -> bool:
        """Security and operations mail: always sent, never unsubscribable, because the
        person who would turn it off may be the intruder it warns about."""
        return self in CRITICAL_KINDS

    @property
    def label(self) -> str:
        """How a preferences screen names it."""
        return LABELS[self]

    @property
    def context_keys(self) -> frozenset[str]:
        """The values the caller must pass to compose() for this kind."""
        return CONTEXT_KEYS[self]


CRITICAL_KINDS = frozenset(
    {
        NotificationKind.PASSWORD_CHANGED,
        NotificationKind.ACCOUNT_LOCKED,
        NotificationKind.WEBHOOK_DISABLED,
    }
)
OPTIONAL_KINDS = frozenset(NotificationKind) - CRITICAL_KINDS

LABELS: dict[NotificationKind, str] = {
    NotificationKind.REVIEW_REQUESTED: "A course is waiting for your review",
    NotificationKind.DECISION_MADE: "A reviewer decided on your course",
    NotificationKind.RUN_FAILED: "A generation run failed",
    NotificationKind.EXPORT_READY: "An export is ready to download",
    NotificationKind.PASSWORD_CHANGED: "Your password was changed",
    NotificationKind.ACCOUNT_LOCKED: "Your account was locked after failed sign-ins",
    NotificationKind.WEBHOOK_DISABLED: "A webhook was disabled after repeated failures",
}

# Every key is required (templates render with StrictUndefined); a value that may be
# empty (feedback) is passed as "" and the template says so. Times are datetimes (shown in
# UTC, naive ones taken as UTC); ids are UUIDs or strings, made into links on base_url.
#   recipient_name    the addressee's display name, for the greeting (every kind)
#   course_id/_title  the course concerned
#   item              what is reviewed, in words: "the outline", "lesson 3: Loops"
#   requested_by      who asked for the review
#   decision          "approved", "edited", "rejected" (a review's Decision) or a gate's
#                     "approve", "edit", "reject"; anything else is refused
#   reviewer_name     who decided
#   feedback          the reviewer's words, "" when none
#   step              the workflow step that failed: "outline", "lessons", "quizzes"
#   error_summary     one or two lines an author can act on (no stack trace)
#   export_format     e.g. "SCORM 1.2", "PDF"
#   occurred_at       when the password change or the lockout happened
#   client_ip         the address the request came from
#   locked_until      when sign-in is possible again
#   endpoint_url      the webhook endpoint that kept failing (without credentials in it)
#   last_error        what its last delivery attempt got
#   failure_count     how many deliveries failed in a row
_COMMON = frozenset({"recipient_name"})
_COURSE = _COMMON | {"course_id", "course_title"}
CONTEXT_KEYS: dict[NotificationKind, frozenset[str]] = {
    NotificationKind.REVIEW_REQUESTED: _COURSE | {"item", "requested_by"},
    NotificationKind.DECISION_MADE: _COURSE | {"item", "decision", "reviewer_name", "feedback"},
    NotificationKind.RUN_FAILED: _COURSE | {"step", "error_summary"},
    NotificationKind.EXPORT_READY: _COURSE | {"export_format"},
    NotificationKind.PASSWORD_CHANGED: _COMMON | {"occurred_at", "client_ip"},
    NotificationKind.ACCOUNT_LOCKED: _COMMON | {"occurred_at", "client_ip", "locked_until"},
    NotificationKind.WEBHOOK_DISABLED: _COMMON
    | {"endpoint_url", "last_error", "failure_count", "occurred_at"},
}
