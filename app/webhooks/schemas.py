from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.webhooks.models import DeliveryStatus, WebhookEvent

Url = Annotated[str, Field(min_length=1, max_length=2048, examples=["https://example.org/hooks"])]
Events = Annotated[list[WebhookEvent], Field(min_length=1, max_length=len(WebhookEvent))]


def _distinct(events: list[WebhookEvent]) -> list[WebhookEvent]:
    return sorted(set(events))


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url
    description: str = Field("", max_length=200)
    events: Events

    _events = field_validator("events")(_distinct)


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    description: str | None = Field(None, max_length=200)
    events: Events | None = None
    enabled: bool | None = Field(None, description="Turning it on again resumes its queue")
    version: int | None = Field(None, description="The version you edited (or If-Match)")

    @field_validator("events")
    @classmethod
    def _events(cls, events: list[WebhookEvent] | None) -> list[WebhookEvent] | None:
        return None if events is None else _distinct(events)


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    course_id: uuid.UUID | None
    url: str
    description: str
    events: list[WebhookEvent]
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    rotating_until: datetime | None = Field(
        None, description="Until then the previous secret signs every message too"
    )
    version: int
    created_at: datetime
    updated_at: datetime


class EndpointSecret(BaseModel):
    secret: str = Field(description="whsec_…: give it to the receiver's verifier")
    previous_secret_valid_until: datetime | None = None


class EndpointCreated(EndpointRead):
    secret: str = Field(description="Shown now; GET …/secret shows it again (audited)")


class SecretRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep_previous_hours: int = Field(
        24, ge=0, le=168, description="How long the old secret keeps signing (0: at once)"
    )


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: str | None
    succeeded: bool


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    message_id: str
    event: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    redelivery_of: uuid.UUID | None
    created_at: datetime
    finished_at: datetime | None
    last_attempt: AttemptRead | None = None


class DeliveryDetail(DeliveryRead):
    payload: dict[str, Any]
    attempt_log: list[AttemptRead]


class TestResult(BaseModel):
    succeeded: bool
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: str | None
