"""Error bodies shaped as Google shapes them: Drive's `{"error": {..., "errors": [...]}}`
and OAuth's flat `{"error", "error_description"}`, so clients parse what they will meet."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from tests.fakes.google.state import DRIVE, FAULTS, Endpoint, Fault


def drive_error(status: int, reason: str, message: str, **extra: str) -> Response:
    item = {"domain": "global", "reason": reason, "message": message, **extra}
    body = {"error": {"code": status, "message": message, "errors": [item]}}
    headers = {"retry-after": "7"} if status == 429 else None
    return JSONResponse(body, status_code=status, headers=headers)


def oauth_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def not_found(file_id: str) -> Response:
    message = f"File not found: {file_id}."
    return drive_error(404, "notFound", message, location="fileId", locationType="parameter")


def fault_response(fault: Fault, endpoint: Endpoint) -> Response:
    """A queued fault in the dialect of the endpoint it hits."""
    status, reason, message = FAULTS[fault]
    if endpoint in DRIVE:
        return drive_error(status, reason, message)
    return oauth_error(status, reason, message)
