"""Every error the API returns is a CourzlyError rendered as one body shape."""

from __future__ import annotations

from typing import Any


class CourzlyError(Exception):
    status_code: int = 400
    error: str = "bad_request"
    default_detail: str = "The request could not be processed."
    # The request boundary rolls back on errors, except those whose writes must stand
    # (a revoked token family must stay revoked although the request fails).
    keeps_changes: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__(self.detail)


class BadRequest(CourzlyError):
    pass


class Unauthorized(CourzlyError):
    status_code = 401
    error = "unauthorized"
    default_detail = "Authentication required."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(CourzlyError):
    status_code = 403
    error = "forbidden"
    default_detail = "You do not have permission to do this."


class NotFound(CourzlyError):
    status_code = 404
    error = "not_found"
    default_detail = "Not found."


class Conflict(CourzlyError):
    status_code = 409
    error = "conflict"
    default_detail = "The request conflicts with the current state."


class VersionConflict(Conflict):
    error = "version_conflict"
    default_detail = "Someone else changed this first; reload and apply your change again."

    def __init__(self, current_version: int) -> None:
        super().__init__(
            extra={"current_version": current_version},
            headers={"ETag": f'"{current_version}"'},
        )


class PreconditionRequired(CourzlyError):
    status_code = 428
    error = "precondition_required"
    default_detail = "Send the version you edited (If-Match header or `version` field)."


class TooManyRequests(CourzlyError):
    status_code = 429
    error = "too_many_requests"
    default_detail = "Too many attempts; try again later."

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        super().__init__(
            detail,
            headers={"Retry-After": str(max(1, retry_after_seconds))},
            extra={"retry_after": max(1, retry_after_seconds)},
        )
