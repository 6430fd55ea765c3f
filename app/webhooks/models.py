"""Webhook endpoints, the messages queued for them (an outbox written in the same
transaction as the event), and every attempt to deliver one."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, TimestampMixin, new_id, utcnow


class WebhookEvent(StrEnum):
    """What receivers subscribe to: the public names, stable across releases."""

    RUN_STARTED = "run.started"
    GATE_WAITING = "gate.waiting"
    DECISION_MADE = "decision.made"
    RUN_FAILED = "run.failed"
    COURSE_APPROVED = "course.approved"
    EXPORT_READY = "export.ready"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its turn or its next attempt
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # every retry used up


class WebhookEndpoint(TimestampMixin, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_course", "course_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # None: the organisation's endpoint, told about every course.
    course_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(200), default="", server_default="")
    events: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    # Sealed (app/core/sealing.py); during a rotation the previous secret signs too.
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None]
    enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    # The first failure since the last success; None while the endpoint answers.
    failing_since: Mapped[datetime | None]
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # Bumped by admins' edits and by switching off, not by each delivery's bookkeeping:
    # an edit conflicts only with a change a person would care about.
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class WebhookDelivery(Base):
    """One message for one endpoint. `seq` orders an endpoint's messages: a message is not
    sent before every earlier one has succeeded or given up."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_seq", "endpoint_id", "seq"),
        # Deleting a delivery nulls the redeliveries that point at it: found by index.
        Index(
            "ix_webhook_deliveries_redelivery_of",
            "redelivery_of",
            postgresql_where=text("redelivery_of IS NOT NULL"),
        ),
        # The queue: each endpoint's pending messages in order (app/webhooks/repository.py).
        Index(
            "ix_webhook_deliveries_pending",
            "endpoint_id",
            "seq",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    # `webhook-id`: the same for every attempt and every redelivery of one message.
    message_id: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
    redelivery_of: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
    finished_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    """The delivery log: what each attempt got back."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
    status_code: Mapped[int | None]
    latency_ms: Mapped[int]
    response_excerpt: Mapped[str] = mapped_column(Text, default="", server_default="")
    error: Mapped[str | None] = mapped_column(Text)
    succeeded: Mapped[bool]
