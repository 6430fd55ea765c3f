"""One error body for every error: {"error": ..., "detail": ..., "request_id": ...}."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from psycopg_pool import PoolTimeout
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from app.core.context import request_id_var
from app.core.errors import CourzlyError

log = logging.getLogger("courzly.errors")

_HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int,
    error: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"error": error, "detail": detail, "request_id": request_id_var.get(), **extra}
    return JSONResponse(body, status_code=status, headers=headers)


async def _courzly_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CourzlyError)
    return error_response(exc.status_code, exc.error, exc.detail, exc.headers, **exc.extra)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only location, message and type: echoing `input` back could reflect secrets or markup.
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = _field_errors(exc)
    if any(f["type"] == "json_invalid" for f in fields):
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    summary = "; ".join(f"{'.'.join(map(str, f['loc']))}: {f['msg']}" for f in fields[:5])
    return error_response(422, "validation_error", summary, fields=fields)


# FastAPI's own words when a body cannot be decoded (bad UTF-8, nesting too deep).
_BODY_PARSE_FAILURE = "There was an error parsing the body"


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _BODY_PARSE_FAILURE:
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    code = _HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _dependency_down(_: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL or Redis unreachable, or a pooled connection the server dropped (the pool
    is refreshed on the way out): the client may simply retry."""
    if isinstance(exc, DBAPIError) and not (
        exc.connection_invalidated or isinstance(exc.orig, OSError)
    ):
        raise exc
    log.warning("dependency unavailable", extra={"reason": type(exc).__name__})
    return error_response(
        503,
        "service_unavailable",
        "A required service is unavailable; try again shortly.",
        {"Retry-After": "2"},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CourzlyError, _courzly_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # psycopg's are the workflow checkpointer's connections (app/workflow/runtime.py).
    unavailable: tuple[type[Exception], ...] = (
        DBAPIError,
        OSError,
        RedisConnectionError,
        RedisTimeoutError,
        psycopg.OperationalError,
        PoolTimeout,
    )
    for error in unavailable:
        app.add_exception_handler(error, _dependency_down)
