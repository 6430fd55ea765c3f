from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.assets.store import MediaStore
from app.core.dependencies import SettingsDep


def _media_store(settings: SettingsDep) -> MediaStore:
    return MediaStore.of(settings)


MediaStoreDep = Annotated[MediaStore, Depends(_media_store)]
