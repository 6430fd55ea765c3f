from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, computed_field

from app.exports.sanitize import ASSET_PREFIX


class AssetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    media_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    created_at: datetime

    @computed_field(description="What a lesson writes to show it: ![text](assets/<name>)")
    def src(self) -> str:
        return ASSET_PREFIX + self.name
