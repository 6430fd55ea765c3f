"""The HTTP client for Google and how Drive's answers become errors.

Callers own the `httpx.AsyncClient` (one per job or request, from `google_client()`), so
connections are reused across the calls of one export and closed with it."""

from __future__ import annotations

from typing import Any

import httpx

from app.integrations.google.errors import (
    GoogleRequestError,
    GoogleTokenExpired,
    GoogleUnavailable,
)

USER_AGENT = "Courzly-Drive/1"
# httpx has no overall deadline; these bound each phase. A chunk of a resumable upload is
# at most a few MiB, so 30 s per read/write is generous without hanging a worker.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)

# Google answers some rate limits with 403 rather than 429; those pass with time too.
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_MESSAGES = {
    "storageQuotaExceeded": (
        "Your Google Drive is full. Free some space (or add storage) in Google Drive, "
        "then export again."
    ),
    "insufficientPermissions": (
        "Courzly is not allowed to do this in your Google Drive. Connect Google Drive "
        "again and allow access to the files Courzly creates."
    ),
    "insufficientFilePermissions": (
        "Your Google account may not change this file or folder in Google Drive "
        "(it is shared with you read-only). Choose a folder you own."
    ),
    "appNotAuthorizedToFile": (
        "Courzly can only use files and folders it created in your Google Drive. "
        "Choose or create a folder from Courzly."
    ),
}


def google_client() -> httpx.AsyncClient:
    """A client for Google's endpoints. Redirects are not followed: Google's API never
    needs them, and following one could carry the bearer token to another host."""
    return httpx.AsyncClient(
        timeout=TIMEOUT, follow_redirects=False, headers={"user-agent": USER_AGENT}
    )


async def send(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request; a failure to get any answer is GoogleUnavailable (retry later)."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise GoogleUnavailable("Google did not answer in time; try again later.") from exc
    except httpx.TransportError as exc:
        raise GoogleUnavailable(f"Could not reach Google ({type(exc).__name__}).") from exc


def retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "")
    return int(value) if value.isdigit() else None


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object; a 2xx that is not one means Google had a bad moment."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise GoogleUnavailable(f"Google sent an unexpected answer (HTTP {response.status_code}).")
    return body


def drive_error(response: httpx.Response) -> tuple[str | None, str]:
    """Google's reason code and message from a Drive error body
    (`{"error": {"code", "message", "errors": [{"reason", ...}]}}`)."""
    try:
        error = response.json().get("error", {})
        reason = (error.get("errors") or [{}])[0].get("reason")
        message = str(error.get("message") or response.reason_phrase)
    except (ValueError, AttributeError, IndexError):
        return None, response.reason_phrase
    return (str(reason) if reason else None), message


def raise_for_drive_status(response: httpx.Response) -> None:
    """Turns a Drive error answer into the error the caller acts on. 404 is left to the
    caller, which knows whether a missing folder or a missing file was meant."""
    status = response.status_code
    if status < 400:
        return
    reason, message = drive_error(response)
    if status == 401:
        raise GoogleTokenExpired()
    if status == 429 or status >= 500 or reason in _RATE_LIMIT_REASONS:
        raise GoogleUnavailable(
            f"Google Drive is busy or failing (HTTP {status}); try again later.",
            retry_after=retry_after(response),
        )
    detail = _MESSAGES.get(reason or "", f"Google Drive refused the request: {message}")
    raise GoogleRequestError(detail, status=status, reason=reason)
