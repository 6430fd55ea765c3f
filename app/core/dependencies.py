"""Shared dependencies: the settings the app was started with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]
