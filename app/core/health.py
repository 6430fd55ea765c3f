"""Liveness, readiness and metrics: public, and blocked at the edge for the outside world."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.responses import JSONResponse

from app.auth.dependencies import Public
from app.core.metrics import exposition
from app.workflow.gauges import installation_exposition

router = APIRouter(tags=["health"], dependencies=[Public])
log = logging.getLogger("courzly.health")
CHECK_TIMEOUT_SECONDS = 2.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _check_database(request: Request) -> None:
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check_redis(request: Request) -> None:
    await request.app.state.redis.ping()


@router.get("/readyz", responses={503: {"description": "A dependency is unreachable"}})
async def readyz(request: Request) -> JSONResponse:
    checks = {"postgresql": _check_database, "redis": _check_redis}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(request), CHECK_TIMEOUT_SECONDS)
            results[name] = "ok"
        except Exception as exc:  # any failure means "not ready", with the reason logged
            log.warning("readiness check failed", extra={"check": name, "reason": repr(exc)})
            results[name] = "unreachable"
    ready = all(v == "ok" for v in results.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": results},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    installation = await installation_exposition(request.app.state)
    return Response(exposition() + installation, media_type=CONTENT_TYPE_LATEST)
