"""Google Drive for exports: OAuth with PKCE (`oauth`), the Drive v3 client (`drive`),
and the errors both raise. Production and tests run the same code; only the endpoint
URLs in settings differ."""

from app.integrations.google.drive import DriveClient, DriveFile, Folder
from app.integrations.google.errors import (
    DriveFolderMissing,
    GoogleAuthRevoked,
    GoogleDriveAccessDenied,
    GoogleError,
    GoogleNotConfigured,
    GoogleRequestError,
    GoogleTokenExpired,
    GoogleUnavailable,
)
from app.integrations.google.oauth import (
    Tokens,
    authorization_url,
    exchange_code,
    new_pkce,
    redirect_uri,
    refresh,
    revoke,
)
from app.integrations.google.transport import google_client

__all__ = [
    "DriveClient",
    "DriveFile",
    "DriveFolderMissing",
    "Folder",
    "GoogleAuthRevoked",
    "GoogleDriveAccessDenied",
    "GoogleError",
    "GoogleNotConfigured",
    "GoogleRequestError",
    "GoogleTokenExpired",
    "GoogleUnavailable",
    "Tokens",
    "authorization_url",
    "exchange_code",
    "google_client",
    "new_pkce",
    "redirect_uri",
    "refresh",
    "revoke",
]
