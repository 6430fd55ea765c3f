"""create_app(): settings, connections, middleware, error handlers and routers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import SecretStr

from app.assets.endpoints import router as assets_router
from app.audit.endpoints import router as audit_router
from app.auth.endpoints import router as auth_router
from app.auth.throttle import LoginThrottle, ThrottleLimits
from app.chat.endpoints import router as chat_router
from app.config import ConfigError, Settings, get_settings, validate_for_startup
from app.core.after_commit import drain as drain_after_commit
from app.core.api import API_PREFIX, API_TITLE, API_VERSION
from app.core.db import create_engine, read_session_factory, session_factory
from app.core.handlers import install_error_handlers
from app.core.health import router as health_router
from app.core.jobs import JobQueue
from app.core.logging import configure_logging, configure_security_log
from app.core.metrics import process_stopped
from app.core.middleware import RequestContextMiddleware
from app.core.redis import Keys, create_redis
from app.core.secrets_store import load_or_create_dev_secret
from app.courses.endpoints import router as courses_router
from app.exports.endpoints import files_router as export_files_router
from app.exports.endpoints import import_router
from app.exports.endpoints import router as exports_router
from app.integrations.endpoints import course_router as course_drive_router
from app.integrations.endpoints import router as drive_router
from app.lessons.endpoints import router as lessons_router
from app.notifications.endpoints import router as notifications_router
from app.realtime.endpoints import router as realtime_router
from app.realtime.hub import EventHub
from app.users.endpoints import router as users_router
from app.web import mount_web_app
from app.webhooks.endpoints import course_router as course_webhooks_router
from app.webhooks.endpoints import organisation_router as webhooks_router
from app.workflow.endpoints import progress_router, reviews_router, sources_router
from app.workflow.endpoints import router as runs_router
from app.workflow.runtime import WorkflowRuntime


def prepare_settings(settings: Settings) -> Settings:
    """Validate, and fill what development may default (a generated JWT secret)."""
    validate_for_startup(settings)
    if settings.jwt_secret is None:
        secret = load_or_create_dev_secret(settings.data_dir)
        settings = settings.model_copy(update={"jwt_secret": SecretStr(secret)})
    if settings.database_url is None or settings.redis_url is None:
        raise ConfigError(
            "DATABASE_URL and REDIS_URL are not set; `courzly run` starts embedded ones"
        )
    return settings


def _secrets(settings: Settings) -> tuple[str, ...]:
    values = [settings.jwt_secret, settings.admin_password]
    for url in (settings.database_url, settings.redis_url):
        if url is not None:
            password = _url_password(url.get_secret_value())
            values.append(SecretStr(password) if password else None)
    return tuple(v.get_secret_value() for v in values if v is not None)


def _url_password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password
    except Exception:  # an unparsable URL has no password we can find
        return None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = prepare_settings(settings or get_settings())
    configure_logging(settings.log_level, _secrets(settings))
    configure_security_log(settings.resolved_security_log_file)
    if settings.is_production and settings.public_url is None:
        logging.getLogger("courzly").warning(
            "PUBLIC_URL is not set: links in mail and the Google redirect use %s",
            settings.base_url,
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        assert settings.database_url is not None
        assert settings.redis_url is not None
        engine = create_engine(
            settings.database_url.get_secret_value(), settings.database_pool_size
        )
        redis = create_redis(settings.redis_url.get_secret_value())
        keys = Keys(settings.redis_key_prefix)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        app.state.read_sessions = read_session_factory(engine)
        app.state.redis = redis
        app.state.keys = keys
        app.state.jobs = JobQueue(settings)
        app.state.event_hub = EventHub(redis, keys)  # WebSocket fan-out, started on first use
        # Reads run state and checkpoints, and writes a fork point; it never runs a node.
        app.state.workflow = WorkflowRuntime(settings.database_url.get_secret_value())
        await app.state.workflow.open()
        app.state.login_throttle = LoginThrottle(
            redis,
            keys,
            ThrottleLimits(
                max_per_account=settings.login_max_failures_per_account,
                max_per_ip=settings.login_max_failures_per_ip,
                window_seconds=settings.login_failure_window_seconds,
                lockout_seconds=settings.login_lockout_seconds,
            ),
        )
        # What startup built lives as long as the process: out of the collector's way, so
        # its full collections stay short with thousands of sockets open (each pause delays
        # every live event).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
        try:
            yield
        finally:
            await app.state.event_hub.close()  # sockets close with 1001 (going away)
            await drain_after_commit()
            await app.state.workflow.close()
            await app.state.jobs.close()
            await redis.aclose()
            await engine.dispose()
            process_stopped()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(
        RequestContextMiddleware,
        trusted_proxies=settings.trusted_proxy_set,
        max_body_bytes=settings.max_request_body_bytes,
        upload_limits=upload_limits(settings),
    )

    include_routers(app)
    mount_web_app(app, settings.web_app_dir)  # after the API routes, which match first
    return app


MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around an uploaded file


def upload_limits(settings: Settings) -> dict[str, int]:
    """Routes whose bodies are files, with body limits of their own."""
    return {
        f"{API_PREFIX}/courses/[^/]+/assets": settings.max_asset_bytes + MULTIPART_OVERHEAD,
        f"{API_PREFIX}/courses/import": settings.max_import_bytes,
    }


def include_routers(app: FastAPI) -> None:
    # Routers carry their full prefix so each route's path is its whole template
    # (FastAPI keeps include-time prefixes out of the matched route; metrics need them).
    for router in (
        auth_router,
        users_router,
        courses_router,
        lessons_router,
        chat_router,
        realtime_router,
        audit_router,
        health_router,
        runs_router,
        reviews_router,
        progress_router,
        sources_router,
        exports_router,
        export_files_router,
        import_router,
        assets_router,
        webhooks_router,
        course_webhooks_router,
        notifications_router,
        drive_router,
        course_drive_router,
    ):
        app.include_router(router)
