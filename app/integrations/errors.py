from __future__ import annotations

from app.core.errors import CourzlyError


class DriveNotConnected(CourzlyError):
    status_code = 409
    error = "drive_not_connected"
    default_detail = "Connect Google Drive first (Settings → Integrations)."


class DriveReconnectNeeded(CourzlyError):
    status_code = 409
    error = "drive_reconnect_needed"
    default_detail = (
        "Google no longer accepts Courzly's access to your Drive (it was revoked or has "
        "expired). Connect Google Drive again."
    )
    # The connection is marked as needing a new consent; that must stand.
    keeps_changes = True


class NoFolderChosen(CourzlyError):
    status_code = 422
    error = "drive_folder_required"
    default_detail = "Choose a Google Drive folder for exports first, or name one."


class NotAFolder(CourzlyError):
    status_code = 422
    error = "drive_folder_invalid"
    default_detail = "That Drive item is not a folder Courzly can use."


class SyncNotFound(CourzlyError):
    status_code = 404
    error = "drive_sync_not_found"
    default_detail = "No such Drive sync of this course."


class TokensUnreadable(CourzlyError):
    status_code = 503
    error = "drive_tokens_unreadable"
    default_detail = (
        "This server cannot read its stored Google tokens (ENCRYPTION_KEY changed without "
        "ENCRYPTION_KEY_PREVIOUS). An administrator must fix the setting; nothing is lost."
    )
