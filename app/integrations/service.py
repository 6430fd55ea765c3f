"""Google Drive for authors: connecting (OAuth 2.0 with PKCE, tokens sealed at rest),
choosing a folder, and "Sync to Drive" of an export, into the same file every time.

The connect flow is bound twice: to the Courzly user by a single-use `state` kept in Redis
for ten minutes, and to the browser that started it by a cookie holding a nonce whose hash
the state carries. Without the second, anyone could send a victim a link that finishes
*their* flow and attach the victim's Drive to the attacker's account."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

import orjson
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.config import Settings
from app.core.db import utcnow
from app.core.redis import Keys
from app.courses.service import CourseAccess
from app.exports import repository as exports
from app.exports.errors import ExportNotFound, ExportNotReady
from app.exports.models import ExportStatus
from app.integrations import repository
from app.integrations.errors import (
    NoFolderChosen,
    NotAFolder,
    SyncNotFound,
)
from app.integrations.google import oauth
from app.integrations.google.drive import FOLDER_MIME_TYPE, DriveFile, Folder
from app.integrations.google.errors import (
    GoogleNotConfigured,
)
from app.integrations.models import DriveSync, GoogleConnection, SyncStatus
from app.integrations.schemas import DriveStatus, SyncRequest
from app.integrations.tokens import GoogleContext, open_token, sealed, usable, with_drive
from app.realtime.models import WorkflowEvent
from app.users.models import User

FLOW_TTL_SECONDS = 600
FLOW_COOKIE = "courzly_drive_flow"


def configured(settings: Settings) -> bool:
    return bool(settings.google_client_id and settings.google_client_secret)


def _flow_key(keys: Keys, state: str) -> str:
    return keys("drive-flow", hashlib.sha256(state.encode()).hexdigest())


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


@dataclass(frozen=True)
class FlowStart:
    authorization_url: str
    browser_nonce: str  # goes in the FLOW_COOKIE


async def start_connect(settings: Settings, redis: Redis, keys: Keys, user: User) -> FlowStart:
    if not configured(settings):
        raise GoogleNotConfigured
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = oauth.new_pkce()
    flow = {"user_id": str(user.id), "verifier": verifier, "nonce": _digest(nonce)}
    await redis.set(_flow_key(keys, state), orjson.dumps(flow), ex=FLOW_TTL_SECONDS)
    url = oauth.authorization_url(
        settings, state=state, code_challenge=challenge, redirect_uri=oauth.redirect_uri(settings)
    )
    return FlowStart(url, nonce)


class FlowRefused(Exception):
    """Why a callback cannot connect anything, in words for the settings page."""


async def _release(session: AsyncSession) -> None:
    """End the caller's transaction before Google is called (it has only read so far), so
    neither its locks nor its pooled connection are held while Google answers; what is
    written after goes in a new transaction, which the request or job commits as usual."""
    await session.commit()


async def finish_connect(
    session: AsyncSession,
    google: GoogleContext,
    redis: Redis,
    keys: Keys,
    *,
    state: str,
    code: str,
    browser_nonce: str | None,
) -> GoogleConnection:
    raw = await redis.getdel(_flow_key(keys, state))  # single use
    if raw is None:
        raise FlowRefused("This Google sign-in has expired or was already used; try again.")
    flow = orjson.loads(raw)
    if browser_nonce is None or not secrets.compare_digest(_digest(browser_nonce), flow["nonce"]):
        raise FlowRefused("This Google sign-in was started in another browser; start it here.")
    user = await session.get(User, uuid.UUID(flow["user_id"]))
    if user is None or not user.is_active:
        raise FlowRefused("The account that started this sign-in no longer exists.")
    await _release(session)
    tokens = await oauth.exchange_code(
        google.settings,
        google.client,
        code=code,
        verifier=flow["verifier"],
        redirect_uri=oauth.redirect_uri(google.settings),
    )
    # Locked when there is one, so two callbacks for one user (two tabs) take turns and
    # each sees which account the other connected; with none, the upsert settles it.
    previous = await repository.connection(session, user.id, for_update=True)
    previous_account = previous.account_email if previous is not None else None
    row = await repository.upsert_connection(
        session,
        {
            "user_id": user.id,
            **sealed(google.settings, user.id, tokens),
            "account_email": tokens.email or "",
            "connected_at": utcnow(),
            "revoked_at": None,
        },
    )
    changed = _other_account(previous_account, row.account_email)
    if changed:
        await _forget_other_account(session, row)
    await audit.record(
        session,
        actor_id=user.id,
        action="drive.connected",
        entity_type="google_connection",
        entity_id=user.id,
        before={"account": previous_account} if changed else None,
        after={"account": row.account_email, "scope": row.scope},
    )
    return row


ACCOUNT_CHANGED = (
    "Google Drive was connected again with another Google account; this file stays in the "
    "previous one. Choose a folder in the newly connected account and sync again."
)


def _other_account(previous: str | None, current: str) -> bool:
    """Whether connecting again brought another Google account (unknown emails: no)."""
    if not previous or not current:
        return False
    return previous.casefold() != current.casefold()


async def _forget_other_account(session: AsyncSession, row: GoogleConnection) -> None:
    """The folder and files Courzly knew are in the previous account, out of reach of the
    new tokens. Rather than have every later sync fail on them (or worse, quietly start
    anew somewhere), the default folder is cleared, so the next sync asks for one in the
    new account, and each existing sync is marked failed with why, stops following new
    exports and forgets its file id (the file itself stays in the old account). The
    author syncs again into a folder of the new account, which starts new files there."""
    row.folder_id, row.folder_name = None, None
    await repository.forget_files(session, row.user_id, ACCOUNT_CHANGED, utcnow())
    await session.flush()


def status(settings: Settings, row: GoogleConnection | None) -> DriveStatus:
    if row is None:
        return DriveStatus(configured=configured(settings), connected=False)
    return DriveStatus(
        configured=configured(settings),
        connected=row.revoked_at is None,
        needs_reconnect=row.revoked_at is not None,
        account_email=row.account_email,
        connected_at=row.connected_at,
        folder_id=row.folder_id,
        folder_name=row.folder_name,
    )


async def connection_of(session: AsyncSession, user: User) -> GoogleConnection | None:
    return await repository.connection(session, user.id)


async def disconnect(session: AsyncSession, google: GoogleContext, user: User) -> None:
    """Revoke at Google first: if Google cannot be reached, or this server cannot read the
    tokens to revoke them (wrong ENCRYPTION_KEY), the error says so and the connection
    stays, so nothing is left granted behind the user's back."""
    row = await repository.connection(session, user.id)
    if row is None:
        return
    token = open_token(google.settings, row, "refresh")
    account, connected_at = row.account_email, row.connected_at
    await _release(session)
    await oauth.revoke(google.settings, google.client, token)
    # Connected again meanwhile (another tab): that connection is not the one revoked.
    if not await repository.delete_connection(session, user.id, connected_at):
        return
    await audit.record(
        session,
        actor_id=user.id,
        action="drive.disconnected",
        entity_type="google_connection",
        entity_id=user.id,
        before={"account": account},
    )


async def _folder(google: GoogleContext, user: User, folder_id: str) -> DriveFile:
    found = await with_drive(google, user.id, lambda d: d.get_file(folder_id))
    if found is None or found.mime_type != FOLDER_MIME_TYPE:
        raise NotAFolder
    return found


async def choose_folder(
    session: AsyncSession, google: GoogleContext, user: User, folder_id: str
) -> GoogleConnection:
    """The default folder for this user's syncs (checked to be a folder they can reach)."""
    await _release(session)
    found = await _folder(google, user, folder_id)
    row = usable(await repository.connection(session, user.id, for_update=True))
    row.folder_id, row.folder_name = found.id, found.name
    await session.flush()
    return row


async def create_folder(
    session: AsyncSession, google: GoogleContext, user: User, name: str
) -> Folder:
    await _release(session)
    return await with_drive(google, user.id, lambda d: d.create_folder(name))


async def list_folders(
    session: AsyncSession,
    google: GoogleContext,
    user: User,
    name: str | None,
    page_token: str | None,
) -> tuple[list[Folder], str | None]:
    await _release(session)
    return await with_drive(google, user.id, lambda d: d.list_folders(name, page_token))


# --- syncing exports ---------------------------------------------------------------


async def request_sync(
    session: AsyncSession,
    google: GoogleContext,
    access: CourseAccess,
    export_id: uuid.UUID,
    body: SyncRequest,
) -> DriveSync:
    """Queue the upload of a finished export (the worker sends it within seconds)."""
    export = await exports.get_export(session, export_id)
    if export is None or export.course_id != access.course.id:
        raise ExportNotFound
    if export.status is not ExportStatus.SUCCEEDED:
        raise ExportNotReady
    row = usable(await repository.connection(session, access.user.id))
    folder_id, folder_name = body.folder_id or row.folder_id, row.folder_name or ""
    if folder_id is None:
        raise NoFolderChosen
    if body.folder_id and body.folder_id != row.folder_id:
        await _release(session)
        folder = await _folder(google, access.user, body.folder_id)
        folder_name = folder.name
    sync = await repository.sync_for(
        session, access.user.id, access.course.id, export.format, folder_id
    )
    if sync is None:
        sync = DriveSync(
            user_id=access.user.id,
            course_id=access.course.id,
            format=export.format,
            folder_id=folder_id,
        )
        session.add(sync)
    sync.folder_name, sync.export_id, sync.keep_synced = folder_name, export.id, body.keep_synced
    sync.status, sync.error, sync.updated_at = SyncStatus.QUEUED, None, utcnow()
    await session.flush()
    await audit.record(
        session,
        actor_id=access.user.id,
        action="drive.sync_requested",
        entity_type="drive_sync",
        entity_id=sync.id,
        after={
            "export_id": str(export.id),
            "folder_id": folder_id,
            "keep_synced": sync.keep_synced,
        },
    )
    return sync


async def list_syncs(session: AsyncSession, access: CourseAccess) -> list[DriveSync]:
    return await repository.course_syncs(session, access.user.id, access.course.id)


async def stop_sync(session: AsyncSession, access: CourseAccess, sync_id: uuid.UUID) -> None:
    """Forget the binding (the file stays in Drive); a later sync creates a new file."""
    sync = await session.get(DriveSync, sync_id)
    if sync is None or sync.user_id != access.user.id or sync.course_id != access.course.id:
        raise SyncNotFound
    await session.delete(sync)
    await session.flush()


async def on_event(session: AsyncSession, event: WorkflowEvent) -> None:
    """A finished export goes to every Drive file kept in sync with its course and format."""
    if event.type != "export.ready":
        return
    export_id = uuid.UUID(event.payload["export_id"])  # the event names all it takes
    await repository.follow_export(
        session, event.course_id, event.payload["format"], export_id, utcnow()
    )
