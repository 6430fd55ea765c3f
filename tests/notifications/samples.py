"""Settings built from values alone (no database, no environment) and a realistic
context for every kind of notification."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from app.config import Environment, Settings
from app.notifications.kinds import NotificationKind

JWT_SECRET = "k3X9vQ2mW7pL4tR8yB1nC6zF5hJ0sD3gA9eU2iO7wq"
PUBLIC_URL = "https://courzly.example"
SMTP_FROM = "Courzly <notifications@courzly.test>"
COURSE_ID = uuid.UUID("3f1c2a9e-7b44-4c1d-9a2e-5d6f7a8b9c0d")


def settings_for(**values: Any) -> Settings:
    return Settings.model_validate(
        {
            "COURZLY_ENV": Environment.TEST,
            "JWT_SECRET": JWT_SECRET,
            "PUBLIC_URL": PUBLIC_URL,
            "SMTP_FROM": SMTP_FROM,
            **values,
        }
    )


_COURSE = {
    "recipient_name": "Ada Lovelace",
    "course_id": COURSE_ID,
    "course_title": "Introduction to Python",
}
CONTEXTS: dict[NotificationKind, dict[str, object]] = {
    NotificationKind.REVIEW_REQUESTED: {
        **_COURSE,
        "item": "the outline",
        "requested_by": "Grace Hopper",
    },
    NotificationKind.DECISION_MADE: {
        **_COURSE,
        "item": "lesson 3: Loops",
        "decision": "rejected",
        "reviewer_name": "Grace Hopper",
        "feedback": "The examples skip `while` loops.\nAdd one before the quiz.",
    },
    NotificationKind.RUN_FAILED: {
        **_COURSE,
        "step": "lessons",
        "error_summary": "The AI provider answered 429 (rate limited) three times.",
    },
    NotificationKind.EXPORT_READY: {**_COURSE, "export_format": "SCORM 1.2"},
    NotificationKind.PASSWORD_CHANGED: {
        "recipient_name": "Ada Lovelace",
        "occurred_at": datetime(2025, 3, 4, 15, 4, tzinfo=UTC),
        "client_ip": "203.0.113.10",
    },
    NotificationKind.ACCOUNT_LOCKED: {
        "recipient_name": "Ada Lovelace",
        "occurred_at": datetime(2025, 3, 4, 15, 4, tzinfo=UTC),
        "client_ip": "198.51.100.7",
        "locked_until": datetime(2025, 3, 4, 15, 19, tzinfo=UTC),
    },
    NotificationKind.WEBHOOK_DISABLED: {
        "recipient_name": "Ada Lovelace",
        "endpoint_url": "https://hooks.example.org/courzly",
        "last_error": "TLS certificate expired",
        "failure_count": 20,
        "occurred_at": datetime(2025, 3, 4, 15, 4, tzinfo=UTC),
    },
}
