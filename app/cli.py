"""The `courzly` command: run the stack, the worker, migrations and admin chores."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from app import migrate
from app.backups.cli import backup_cli
from app.config import ConfigError, Settings, get_settings, validate_for_startup
from app.core.embedded import EmbeddedServices
from app.core.logging import configure_logging
from app.core.metrics import share_between_processes

cli = typer.Typer(
    help="Courzly: AI-assisted course creation with human review.",
    no_args_is_help=True,
    # Rich tracebacks print local variables, settings and secrets included.
    pretty_exceptions_enable=False,
)
DEFAULT_ADMIN_EMAIL = "admin@example.com"
cli.add_typer(backup_cli, name="backup")


def _settings() -> Settings:
    get_settings.cache_clear()
    try:
        settings = get_settings()
        validate_for_startup(settings)
    except (ValidationError, ConfigError) as exc:
        typer.secho(f"Configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    return settings


@contextmanager
def _services(settings: Settings) -> Iterator[Settings]:
    """Real servers when configured, else embedded ones under the data directory."""
    embedded = EmbeddedServices(settings.data_dir)
    try:
        if settings.database_url is None:
            os.environ["DATABASE_URL"] = embedded.start_postgres()
        if settings.redis_url is None:
            os.environ["REDIS_URL"] = embedded.start_redis()
        yield _settings()
    finally:
        embedded.stop()


async def _ensure_admin(settings: Settings) -> tuple[str, str | None]:
    from app.core.db import create_engine, session_factory
    from app.users import service as users

    assert settings.database_url is not None
    engine = create_engine(settings.database_url.get_secret_value(), pool_size=1)
    try:
        async with session_factory(engine)() as session:
            if await users.any_admin(session):
                return "", None
            email = settings.admin_email or DEFAULT_ADMIN_EMAIL
            given = settings.admin_password.get_secret_value() if settings.admin_password else None
            password = given or secrets.token_urlsafe(18)
            await users.ensure_admin(session, email, password)
            await session.commit()
            return email, None if given else password
    finally:
        await engine.dispose()


def _announce_admin(email: str, generated_password: str | None) -> None:
    if not email:
        return
    # Printed to the terminal once, deliberately not logged: logs travel further.
    typer.secho(f"\nCreated the first admin account: {email}", fg="green", err=True)
    if generated_password:
        typer.secho(f"Password (shown only now): {generated_password}\n", fg="yellow", err=True)


@cli.command()
def run(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    worker: Annotated[bool, typer.Option(help="Also start a job worker")] = True,
) -> None:
    """Start the API (and a worker), with embedded PostgreSQL and Redis if none are set."""
    import uvicorn

    settings = _settings()
    configure_logging(settings.log_level)
    with _services(settings) as live:
        assert live.database_url is not None
        migrate.upgrade(live.database_url.get_secret_value())
        _announce_admin(*asyncio.run(_ensure_admin(live)))
        bind = f"http://{host or live.host}:{port or live.port}"
        typer.secho(
            f"Courzly API at {bind} (docs at {bind}/api/v1/docs). Ctrl-C stops it.", err=True
        )
        worker_process = None
        if worker:
            # A short grace: Ctrl-C should not wait on an idle worker's polling loops; a job
            # cut short is picked up again on the next start.
            worker_process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker", "--grace-seconds", "2"]
            )
        if live.api_processes > 1:
            share_between_processes()  # after the worker started: it serves its own port
        try:
            uvicorn.run(
                "app.main:create_app",
                factory=True,
                host=host or live.host,
                port=port or live.port,
                workers=live.api_processes if live.api_processes > 1 else None,
                log_config=None,
                proxy_headers=False,
                # Events are small JSON frames: compressing each one again for every socket
                # cost more server CPU than it saves on the wire.
                ws_per_message_deflate=False,
            )
        finally:
            if worker_process is not None:
                worker_process.terminate()
                worker_process.wait(timeout=15)


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Bind address (0.0.0.0 inside a container)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port")] = 8000,
    processes: Annotated[int, typer.Option(min=1, max=64, help="API processes")] = 1,
) -> None:
    """Serve the API in production: real PostgreSQL and Redis only, no migrations (run
    `courzly migrate` once per release), behind the edge proxy."""
    import uvicorn

    settings = _settings()
    configure_logging(settings.log_level)
    if settings.database_url is None or settings.redis_url is None:
        typer.secho("serve needs DATABASE_URL and REDIS_URL.", fg="red", err=True)
        raise typer.Exit(2)
    if processes > 1:
        share_between_processes()  # /metrics then sums every process
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=processes if processes > 1 else None,
        log_config=None,
        proxy_headers=False,  # the app resolves client addresses itself (TRUSTED_PROXIES)
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=20,  # then open sockets get 1012 and resume elsewhere
    )


@cli.command("worker")
def worker_command(
    grace_seconds: Annotated[
        int,
        typer.Option(
            min=0,
            help="On SIGTERM/SIGINT, how long running jobs may finish before they are "
            "cancelled (a cancelled job is retried by another worker)",
        ),
    ] = 10,
) -> None:
    """Run a job worker (needs DATABASE_URL and REDIS_URL, as `courzly run` sets them)."""
    from app import worker

    settings = _settings()
    configure_logging(settings.log_level)
    if settings.database_url is None or settings.redis_url is None:
        typer.secho("The worker needs DATABASE_URL and REDIS_URL.", fg="red", err=True)
        raise typer.Exit(2)
    asyncio.run(worker.serve(settings, grace_seconds=grace_seconds))


@cli.command("worker-health")
def worker_health_command(
    max_age: Annotated[
        float, typer.Option(min=1, help="Seconds since the last sign of life, at most")
    ] = 45.0,
) -> None:
    """Exit 0 when this container's worker proved alive recently (a healthcheck), 1 if not."""
    from app.worker_health import age_seconds

    path = _settings().worker_health_file
    age = age_seconds(path)
    if age is None:
        typer.secho(f"No worker has started here ({path} is missing).", fg="red", err=True)
        raise typer.Exit(1)
    if age > max_age:
        typer.secho(f"The worker last proved alive {age:.0f} s ago.", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"The worker is alive ({age:.0f} s ago).")


@cli.command("migrate")
def migrate_command(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
    down: Annotated[bool, typer.Option("--down", help="Downgrade to the revision")] = False,
) -> None:
    """Apply (or with --down, revert) database migrations."""
    with _services(_settings()) as live:
        assert live.database_url is not None
        url = live.database_url.get_secret_value()
        (migrate.downgrade if down else migrate.upgrade)(url, revision)
    typer.echo(f"Database at revision {revision}.")


@cli.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create an admin account (an existing account is left unchanged)."""
    from app.core.db import create_engine, session_factory
    from app.users import service as users

    async def create(url: str) -> bool:
        engine = create_engine(url, pool_size=1)
        try:
            async with session_factory(engine)() as session:
                _, created = await users.ensure_admin(session, email, password)
                await session.commit()
                return created
        finally:
            await engine.dispose()

    with _services(_settings()) as live:
        assert live.database_url is not None
        try:
            created = asyncio.run(create(live.database_url.get_secret_value()))
        except ValidationError as exc:
            problems = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())
            typer.secho(f"Not created: {problems}", fg="red", err=True)
            raise typer.Exit(2) from exc
    typer.echo(f"Admin {email} created." if created else f"{email} already exists; unchanged.")


@cli.command("reseal")
def reseal() -> None:
    """Seal webhook secrets and Google tokens again with the current ENCRYPTION_KEY, after
    moving the old key to ENCRYPTION_KEY_PREVIOUS (docs/operations.md, "Rotating secrets")."""
    from app.core.db import create_engine, session_factory
    from app.integrations import tokens as drive
    from app.webhooks import service as webhooks

    async def run(live: Settings) -> list[tuple[str, int, int]]:
        assert live.database_url is not None
        engine = create_engine(live.database_url.get_secret_value(), pool_size=1)
        try:
            async with session_factory(engine)() as session:
                counts = [
                    ("webhook secrets", *await webhooks.reseal(session, live)),
                    ("Google tokens", *await drive.reseal(session, live)),
                ]
                await session.commit()
                return counts
        finally:
            await engine.dispose()

    with _services(_settings()) as live:
        counts = asyncio.run(run(live))
    for what, done, unreadable in counts:
        typer.echo(f"{what}: {done} sealed again with the current key")
        if unreadable:
            typer.secho(
                f"{what}: {unreadable} opened with no configured key (rotate those webhook "
                "secrets; those Drive users connect again)",
                fg="yellow",
                err=True,
            )


@cli.command("check-config")
def check_config() -> None:
    """Validate settings and reach PostgreSQL and Redis; exit 1 on any problem."""
    from app.core.db import create_engine
    from app.core.redis import create_redis

    settings = _settings()

    async def reach() -> list[str]:
        problems = []
        if settings.database_url is not None:
            engine = create_engine(settings.database_url.get_secret_value(), pool_size=1)
            try:
                async with engine.connect():
                    pass
            except Exception as exc:  # report, don't crash: this command is a diagnosis
                problems.append(f"PostgreSQL unreachable: {type(exc).__name__}")
            finally:
                await engine.dispose()
        if settings.redis_url is not None:
            redis = create_redis(settings.redis_url.get_secret_value())
            try:
                await redis.ping()
            except Exception as exc:
                problems.append(f"Redis unreachable: {type(exc).__name__}")
            finally:
                await redis.aclose()
        return problems

    problems = asyncio.run(reach())
    for problem in problems:
        typer.secho(problem, fg="red", err=True)
    if problems:
        raise typer.Exit(1)
    embedded = [
        n
        for n, v in (("DATABASE_URL", settings.database_url), ("REDIS_URL", settings.redis_url))
        if v is None
    ]
    note = f" ({', '.join(embedded)} unset: embedded services)" if embedded else ""
    typer.echo(f"Configuration OK for {settings.environment.value}{note}.")


@cli.command("monitoring-config")
def monitoring_config(
    out: Annotated[Path, typer.Option(help="Directory Alertmanager and Prometheus mount")],
) -> None:
    """Write Alertmanager's receivers and the blackbox probe's target from the environment
    (PUBLIC_URL, ALERT_*: docs/operations.md, "Alerts")."""
    from app.monitoring.config import MonitoringSettings
    from app.monitoring.render import render

    try:
        settings = MonitoringSettings()
    except ValidationError as exc:
        typer.secho(f"Configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    for path in render(settings, out):
        typer.echo(f"Wrote {path}")
    from app.monitoring.alertmanager import has_receivers

    if not has_receivers(settings):
        typer.secho(
            "No alert receiver is configured (ALERT_EMAIL_TO with ALERT_SMTP_SMARTHOST, or "
            "ALERT_WEBHOOK_URL): alerts will show in Alertmanager but notify no one.",
            fg="yellow",
            err=True,
        )
    if settings.public_url is None:
        typer.secho(
            "PUBLIC_URL is not set: the HTTPS endpoint is not probed.", fg="yellow", err=True
        )


@cli.command("permissions-doc")
def permissions_doc(
    check: Annotated[bool, typer.Option(help="Fail if the file is out of date")] = False,
) -> None:
    """Write docs/permissions.md from the permission matrix and the routes."""
    from app.core.permissions_doc import render

    _write_generated(
        migrate.ROOT / "docs" / "permissions.md", render(), check, "courzly permissions-doc"
    )


@cli.command("openapi")
def openapi_command(
    check: Annotated[bool, typer.Option(help="Fail if the file is out of date")] = False,
) -> None:
    """Write the OpenAPI document the web app's API client is generated from."""
    from app.core.openapi_doc import openapi_document

    path = migrate.ROOT / "frontend" / "src" / "api" / "openapi.json"
    _write_generated(path, openapi_document(), check, "make api-client")


def _write_generated(path: Path, text: str, check: bool, how: str) -> None:
    """Write a generated file, or with `check` fail when the stored one differs."""
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            typer.secho(f"{path} is out of date: run `{how}`", fg="red", err=True)
            raise typer.Exit(1)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {path}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
