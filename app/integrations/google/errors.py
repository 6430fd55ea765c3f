"""What can go wrong talking to Google, as CourzlyErrors so an endpoint that lets one
through still answers with the usual body. Messages are written for the author: they
never carry tokens, only Google's own description of what it refused."""

from __future__ import annotations

from app.core.errors import CourzlyError


class GoogleError(CourzlyError):
    status_code = 502
    error = "google_error"
    default_detail = "Google could not complete the request."


class GoogleNotConfigured(GoogleError):
    status_code = 503
    error = "google_not_configured"
    default_detail = (
        "Google Drive is not configured on this server (GOOGLE_CLIENT_ID and "
        "GOOGLE_CLIENT_SECRET are missing)."
    )


class GoogleAuthRevoked(GoogleError):
    """invalid_grant on refresh: the user revoked Courzly's access in their Google account,
    or the refresh token expired (unused for six months, password change, test-mode app).
    Nothing but a new consent helps, so the caller should drop the stored tokens."""

    status_code = 409
    error = "google_auth_revoked"
    default_detail = (
        "Google no longer accepts Courzly's access to your Drive (it was revoked or has "
        "expired). Connect Google Drive again."
    )


class GoogleTokenExpired(GoogleError):
    """A 401 from Drive: the access token expired (or was revoked) before its stated end.
    The caller refreshes and retries once; a refresh that fails says GoogleAuthRevoked."""

    status_code = 502
    error = "google_token_expired"
    default_detail = "The Google access token has expired."


class GoogleUnavailable(GoogleError):
    """Network failure, 5xx or rate limit: the same request can succeed later."""

    status_code = 503
    error = "google_unavailable"
    default_detail = "Google is not answering right now; try again in a few minutes."

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        super().__init__(detail, headers=headers)
        self.retry_after = retry_after


class GoogleRequestError(GoogleError):
    """Google refused the request itself (4xx): retrying the same request will not help."""

    error = "google_request_refused"
    default_detail = "Google refused the request."

    def __init__(
        self, detail: str | None = None, *, status: int | None = None, reason: str | None = None
    ) -> None:
        super().__init__(detail, extra={"google_reason": reason} if reason else None)
        self.status = status
        self.reason = reason  # Google's machine-readable reason, e.g. storageQuotaExceeded


class GoogleDriveAccessDenied(GoogleRequestError):
    """The user signed in but unticked Drive on Google's consent screen (granular consent),
    so the tokens cannot reach Drive at all."""

    error = "google_drive_access_denied"
    default_detail = (
        "Google did not give Courzly access to Drive files. Connect Google Drive again and "
        "keep the Drive permission ticked on Google's consent screen."
    )


class DriveFolderMissing(GoogleError):
    status_code = 409
    error = "drive_folder_missing"
    default_detail = (
        "The Google Drive folder chosen for exports no longer exists (deleted or in the "
        "trash). Choose another folder."
    )

    def __init__(self, folder_id: str) -> None:
        super().__init__(extra={"folder_id": folder_id})
        self.folder_id = folder_id
