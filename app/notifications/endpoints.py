"""Notification preferences (each user's own), and the one-click unsubscribe that mail
links to: GET shows a confirmation page, POST (the button, or a mail client's RFC 8058
one-click request) turns the mail off. No sign-in: the signed token is the authority."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from app.auth.dependencies import CurrentUser, Public
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.notifications import service, unsubscribe
from app.notifications.errors import (
    CriticalMailRequired,
    UnsubscribeLinkInvalid,
    UnsubscribeTokenInvalid,
)
from app.notifications.kinds import NotificationKind
from app.notifications.schemas import PreferenceRead, PreferencesUpdate

router = APIRouter(prefix=f"{API_PREFIX}/notifications", tags=["notifications"])
Token = Annotated[str, Query(min_length=1, max_length=400)]
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Courzly</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;
line-height:1.5}}button{{font:inherit;padding:.5rem 1rem}}</style></head>
<body><h1>Courzly notifications</h1>{body}</body></html>"""


def _what(scope: str) -> str:
    if scope == unsubscribe.ALL:
        return "all optional Courzly mail"
    return f"mail about “{NotificationKind(scope).label.lower()}”"


def _page(body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(body=body), status_code=status_code)


@router.get("/preferences")
async def get_preferences(user: CurrentUser, session: SessionDep) -> list[PreferenceRead]:
    return _read(await service.preferences(session, user))


@router.put("/preferences")
async def set_preferences(
    body: PreferencesUpdate, user: CurrentUser, session: SessionDep
) -> list[PreferenceRead]:
    """Security mail (password changed, account locked, webhook disabled) cannot be
    turned off: 422."""
    if any(kind.critical and not on for kind, on in body.preferences.items()):
        raise CriticalMailRequired
    return _read(await service.set_preferences(session, user, body.preferences))


def _read(choices: dict[NotificationKind, bool]) -> list[PreferenceRead]:
    return [
        PreferenceRead(kind=kind, label=kind.label, critical=kind.critical, enabled=on)
        for kind, on in choices.items()
    ]


@router.get("/unsubscribe", response_class=HTMLResponse, dependencies=[Public])
async def unsubscribe_page(token: Token, settings: SettingsDep) -> HTMLResponse:
    try:
        _, scope = unsubscribe.verify(settings, token)
    except UnsubscribeTokenInvalid:
        raise UnsubscribeLinkInvalid from None
    # A page, not the change itself: mail scanners follow GET links on their own.
    return _page(
        f"<p>Stop receiving {escape(_what(str(scope)))}?</p>"
        f'<form method="post" action="?token={escape(token)}"><button type="submit">'
        "Unsubscribe</button></form>"
    )


@router.post("/unsubscribe", response_class=HTMLResponse, dependencies=[Public])
async def unsubscribe_now(token: Token, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    try:
        _, scope = await service.unsubscribe_by_token(session, settings, token)
    except UnsubscribeTokenInvalid:
        raise UnsubscribeLinkInvalid from None
    return _page(
        f"<p>Done: you will no longer receive {escape(_what(scope))}.</p>"
        "<p>Security mail still reaches you. You can change this any time under "
        "Settings → Notifications.</p>"
    )
