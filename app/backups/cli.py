"""`courzly backup ...`: take, list, verify and restore backups (pgBackRest underneath).
Every command prints a readable summary, or one JSON document with --json; a failure is one
clear line on standard error and exit code 1 (2 for settings that cannot work)."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import make_url

from app.backups.config import BackupSettings
from app.backups.drill import owned_directory, run_drill
from app.backups.pgbackrest import BackupError, PgBackRest, write_config
from app.backups.report import report_document, write_report
from app.backups.service import (
    BACKUP_TYPES,
    archive_host_config,
    backup_sets,
    check_archiving,
    copy_files,
    initialise,
    restore,
    restore_host_config,
    take_backup,
    verify_repository,
)
from app.migrate import ROOT

backup_cli = typer.Typer(help="Backups of the database to S3 (pgBackRest) and restores.")
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]
err = Console(stderr=True)
REPORTS_DIR = ROOT / "backups" / "reports"


def _engine() -> PgBackRest:
    try:
        return PgBackRest(BackupSettings())
    except ValidationError as exc:
        typer.secho(f"Configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc


@contextmanager
def _failing_clearly() -> Iterator[None]:
    try:
        yield
    except BackupError as exc:
        typer.secho(f"Backup error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc


def _with_progress(label: str, quiet: bool, step: Callable[[], Any]) -> Any:
    """A spinner with the elapsed time while a long step runs (not with --json)."""
    if quiet:
        return step()
    columns = (SpinnerColumn(), TextColumn(label), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        progress.add_task(label, total=None)
        return step()


def _emit(as_json: bool, document: dict[str, Any], text: str) -> None:
    typer.echo(json.dumps(document, indent=2) if as_json else text)


@backup_cli.command("config")
def config_command(
    out: Annotated[
        Path | None, typer.Option(help="Where to write it (default: BACKUP_CONFIG_FILE)")
    ] = None,
) -> None:
    """Write pgBackRest's configuration from the BACKUP_* settings (no secret inside)."""
    engine = _engine()
    with _failing_clearly():
        path = write_config(engine.settings, out or engine.settings.config_file)
    typer.echo(f"Wrote {path}")


@backup_cli.command("init")
def init_command() -> None:
    """Create the stanza in the repository, once per database cluster (idempotent)."""
    engine = _engine()
    with _failing_clearly():
        initialise(engine)
    typer.echo(f"Stanza {engine.settings.stanza!r} is ready in s3://{engine.settings.s3_bucket}.")


@backup_cli.command("check")
def check_command() -> None:
    """Prove WAL archiving reaches the repository now (after a deploy, or an alert)."""
    engine = _engine()
    with _failing_clearly():
        _with_progress("Checking WAL archiving", False, lambda: check_archiving(engine))
    typer.echo("WAL archiving works: a new segment reached the repository.")


@backup_cli.command("now")
def now_command(
    kind: Annotated[str, typer.Option("--type", help="full, diff or incr")] = "diff",
    as_json: JsonOption = False,
) -> None:
    """Take a backup now (the timers run full weekly and diff daily)."""
    engine = _engine()
    if kind not in BACKUP_TYPES:
        typer.secho(f"Unknown backup type {kind!r}: use full, diff or incr.", fg="red", err=True)
        raise typer.Exit(2)
    with _failing_clearly():
        taken = _with_progress(
            f"Taking a {kind} backup", as_json, lambda: take_backup(engine, kind)
        )
    _emit(
        as_json,
        taken.to_json(),
        f"Backup {taken.label} ({taken.type}) done: {taken.repository_bytes:,} bytes stored.",
    )


@backup_cli.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """The backup sets in the repository, oldest first, and the WAL they can replay to."""
    engine = _engine()
    with _failing_clearly():
        info = engine.info()
    sets = backup_sets(info)
    archive = (info.get("archive") or [{}])[-1]
    document = {
        "stanza": engine.settings.stanza,
        "backups": [s.to_json() for s in sets],
        "wal": {"min": archive.get("min"), "max": archive.get("max")},
    }
    lines = [
        f"{s.label}  {s.type:<4}  {s.stopped_at:%Y-%m-%d %H:%M:%S}Z  {s.repository_bytes:>14,} B"
        for s in sets
    ]
    lines.append(f"WAL archived up to {archive.get('max') or 'nothing yet'}")
    _emit(as_json, document, "\n".join(lines) if sets else "No backup yet.\n" + lines[-1])


@backup_cli.command("verify")
def verify_command(as_json: JsonOption = False) -> None:
    """Read back every backup and WAL file in the repository and check its checksum."""
    engine = _engine()
    with _failing_clearly():
        seconds = _with_progress(
            "Verifying the repository", as_json, lambda: verify_repository(engine)
        )
    _emit(
        as_json,
        {"verified": True, "seconds": round(seconds, 1)},
        f"Repository verified in {seconds:.0f} s.",
    )


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        typer.secho(
            f"Not a time: {value!r}; use ISO 8601, e.g. 2026-11-30T14:05:00Z", fg="red", err=True
        )
        raise typer.Exit(2) from None


@backup_cli.command("restore")
def restore_command(
    to: Annotated[Path, typer.Option(help="A new, empty data directory (this host or a new one)")],
    target_time: Annotated[
        str | None,
        typer.Option("--time", help="Point in time (ISO 8601 with zone); default: latest"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Restore the latest backup plus WAL (or up to --time) into a new data directory. The
    running database is never touched; start the restored one with pg_ctl when it is done."""
    engine = _engine()
    target = _parse_time(target_time)
    with _failing_clearly():
        used = _with_progress(f"Restoring into {to}", as_json, lambda: restore(engine, to, target))
    document = {"restored_into": str(to), "backup": used.to_json(), "target_time": target_time}
    _emit(
        as_json,
        document,
        f"Restored {used.label} into {to}" + (f", up to {target_time}." if target_time else "."),
    )


@backup_cli.command("drill")
def drill_command(
    source: Annotated[
        str | None, typer.Option(help="The database to prove (default: DATABASE_URL)")
    ] = None,
    reports_dir: Annotated[
        Path, typer.Option(help="Where the report goes", envvar="BACKUP_REPORTS_DIR")
    ] = REPORTS_DIR,
    keep: Annotated[bool, typer.Option(help="Keep the restored data directory")] = False,
    as_json: JsonOption = False,
) -> None:
    """Restore the latest backup plus WAL to now into a throwaway PostgreSQL 15, verify it
    against the source, measure RTO and RPO, and write the report (exit 1 if a check fails)."""
    engine = _engine()
    dsn = source or _database_url()
    work = owned_directory("courzly-drill-", engine.settings.os_user)
    try:
        with _failing_clearly():
            report = _with_progress("Restore drill", as_json, lambda: run_drill(engine, dsn, work))
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    json_path, markdown_path = write_report(report, reports_dir)
    document = {
        **report_document(report),
        "report": {"json": str(json_path), "markdown": str(markdown_path)},
    }
    summary = (
        f"Drill {'passed' if report.passed else 'FAILED'}: RTO {report.rto_seconds:.0f} s, "
        f"RPO {report.rpo_seconds:.0f} s, {report.lost_rows} rows lost. Report: {markdown_path}"
    )
    _emit(as_json, document, summary)
    if not report.passed:
        raise typer.Exit(1)


def _database_url() -> str:
    from app.config import get_settings

    url = get_settings().database_url
    if url is None:
        typer.secho(
            "Give --source or set DATABASE_URL: which database to prove?", fg="red", err=True
        )
        raise typer.Exit(2)
    # libpq's form: the app may name its async driver (postgresql+asyncpg://).
    return (
        make_url(url.get_secret_value())
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


@backup_cli.command("media")
def media_command(as_json: JsonOption = False) -> None:
    """Copy uploaded media and stored exports to the backup bucket (changed files only;
    the hourly timer runs it). Exports kept in S3 already (EXPORTS_S3_BUCKET) are skipped."""
    from app.config import get_settings

    engine = _engine()
    app_settings = get_settings()
    directories = {"media": app_settings.resolved_media_dir}
    if not app_settings.exports_s3_bucket:
        directories["exports"] = app_settings.resolved_exports_dir
    with _failing_clearly():
        results = copy_files(engine, directories)
    document = {
        name: {"uploaded": r.uploaded, "unchanged": r.unchanged, "deleted": r.deleted}
        for name, r in results.items()
    }
    lines = [
        f"{name}: {len(r.uploaded)} uploaded, {r.unchanged} unchanged, {len(r.deleted)} deleted"
        for name, r in results.items()
    ]
    _emit(as_json, document, "\n".join(lines))


@backup_cli.command("host-config")
def host_config_command(as_json: JsonOption = False) -> None:
    """Archive the host's configuration (BACKUP_HOST_PATHS), encrypted, to the bucket."""
    engine = _engine()
    with _failing_clearly():
        key, size = archive_host_config(engine)
    _emit(
        as_json,
        {"key": key, "bytes": size},
        f"Host configuration sealed to {key} ({size:,} bytes).",
    )


@backup_cli.command("restore-host-config")
def restore_host_config_command(
    to: Annotated[Path, typer.Option(help="Unpack under this directory (/ on a new host)")],
    host: Annotated[
        str | None, typer.Option(help="Whose archive (default: this host's name)")
    ] = None,
    key: Annotated[str | None, typer.Option(help="A given archive instead of the latest")] = None,
    as_json: JsonOption = False,
) -> None:
    """Unseal the latest (or a given) host configuration archive and unpack it."""
    engine = _engine()
    with _failing_clearly():
        chosen, names = restore_host_config(engine, to, host or socket.gethostname(), key)
    _emit(
        as_json,
        {"key": chosen, "files": names},
        f"Unpacked {len(names)} entries of {chosen} under {to}.",
    )
