from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.notifications.kinds import NotificationKind


class PreferenceRead(BaseModel):
    kind: NotificationKind
    label: str
    critical: bool = Field(description="Security mail: always sent, cannot be turned off")
    enabled: bool


class PreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preferences: dict[NotificationKind, bool] = Field(
        min_length=1, description="Kinds to turn on or off; critical kinds are refused"
    )
