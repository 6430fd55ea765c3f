"""The restore drill, the evidence behind the RPO and RTO promises.

1. At the target moment T, in one snapshot of the source: every table's row count and
   content checksum, and how much WAL was not yet archived (the RPO a disaster at T leaves).
2. Restore the latest backup plus WAL up to T into a new directory, start a throwaway
   PostgreSQL 15 on it, and wait until recovery has really finished.
3. Verify: the same counts and checksums, amcheck on every B-tree index, Alembic at head,
   and an application query through the ORM.
RTO is the wall time from the start to verified. The report goes to backups/reports/.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from alembic.script import ScriptDirectory
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.backups.pgbackrest import BackupError, PgBackRest, secret_environment
from app.backups.service import restore
from app.migrate import alembic_config

WAL_SEGMENT_BYTES = 16 * 1024 * 1024
TABLES = """
SELECT quote_ident(schemaname) || '.' || quote_ident(relname)
FROM pg_stat_user_tables ORDER BY 1
"""
# Row order does not matter; row content does (each row's text, hashed, then all sorted).
CHECKSUM = (
    "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '')"
    " FROM {} t"
)


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class TableResult:
    table: str
    source_rows: int
    restored_rows: int
    checksum_matches: bool


@dataclass
class DrillReport:
    started_at: str
    target_time: str
    restore_point: str
    backup_set: dict[str, Any] = field(default_factory=dict)
    tables: list[TableResult] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    rto_seconds: float = 0.0
    rpo_seconds: float = 0.0
    unarchived_wal_bytes: int = 0
    restored_bytes: int = 0
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def lost_rows(self) -> int:
        return sum(max(t.source_rows - t.restored_rows, 0) for t in self.tables)


def _segment_end(wal_name: str) -> int:
    """The LSN just past a WAL segment named TTTTTTTTLLLLLLLLSSSSSSSS (16 MB segments)."""
    log, segment = int(wal_name[8:16], 16), int(wal_name[16:24], 16)
    return (log << 32) + (segment + 1) * WAL_SEGMENT_BYTES


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass
class SourceSnapshot:
    restore_point: str
    target: datetime
    tables: dict[str, tuple[int, str]]
    rpo_seconds: float
    unarchived_wal_bytes: int


def snapshot_source(dsn: str) -> SourceSnapshot:
    """Counts and checksums as of one moment, and the WAL not yet archived at it."""
    with psycopg.connect(dsn, autocommit=False) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # The snapshot is taken as this first statement starts, and the restore point is
        # written a moment later: recovery stops exactly there. (A commit landing in that
        # moment would show as a difference: run drills when writes are few.)
        point = f"courzly-drill-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
        row = connection.execute(
            "SELECT clock_timestamp(), pg_current_wal_lsn()::text, last_archived_wal,"
            " last_archived_time, pg_create_restore_point(%s) FROM pg_stat_archiver",
            (point,),
        ).fetchone()
        assert row is not None
        target, current, archived_wal, archived_at, _ = row
        tables = {}
        for (name,) in connection.execute(TABLES).fetchall():
            counted = connection.execute(CHECKSUM.format(name)).fetchone()
            assert counted is not None
            tables[name] = (int(counted[0]), str(counted[1]))
        connection.rollback()
    unarchived = _lsn(current) - _segment_end(archived_wal) if archived_wal else _lsn(current)
    if unarchived <= 0:  # nothing written since the last archived segment: nothing to lose
        rpo = 0.0
    elif archived_at is None:  # nothing ever archived: everything would be lost
        rpo = float("inf")
    else:  # what was written since the newest archived segment closed
        rpo = (target - archived_at).total_seconds()
    return SourceSnapshot(point, target, tables, rpo, max(unarchived, 0))


def archive_through(dsn: str, timeout: float = 120) -> None:
    """Close the current WAL segment and wait until it is archived (so T is reachable)."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        row = connection.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
        assert row is not None
        deadline = time.monotonic() + timeout
        while True:
            done = connection.execute(
                "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"
            ).fetchone()
            if done is not None and done[0] >= row[0]:
                return
            if time.monotonic() > deadline:
                raise BackupError(f"WAL segment {row[0]} was not archived within {timeout:.0f} s")
            time.sleep(0.2)


def owned_directory(prefix: str, owner: str) -> Path:
    """A new directory for a restored cluster, owned by the user PostgreSQL runs as (when
    running as root), under a parent that user can reach."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    directory.chmod(0o755)
    if os.geteuid() == 0:
        account = pwd.getpwnam(owner)
        os.chown(directory, account.pw_uid, account.pw_gid)
    return directory


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayPostgres:
    """PostgreSQL 15 on a restored data directory: unix socket only, its own port."""

    def __init__(self, engine: PgBackRest, work_dir: Path, data: Path) -> None:
        self.settings = engine.settings
        self.work_dir, self.data, self.port = work_dir, data, _free_port()

    def _as_owner(self, *args: str) -> list[str]:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            return [shutil.which("runuser") or "runuser", "-u", self.settings.os_user, "--", *args]
        return list(args)

    def _pg_ctl(self, *args: str) -> list[str]:
        pg_ctl = str(self.settings.pg_bin_dir / "pg_ctl")
        return self._as_owner(pg_ctl, "-D", str(self.data), *args)

    def dsn(self, database: str) -> str:
        return f"postgresql://{self.settings.pg_user}@/{database}?host={self.work_dir}&port={self.port}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.work_dir} -c listen_addresses='' -c archive_mode=off"
        log = str(self.work_dir / "postgres.log")  # read back by _log_reason
        started = subprocess.run(  # noqa: S603 - argv from settings, no shell
            self._pg_ctl("-l", log, "-o", options, "-w", "-t", "600", "start"),
            capture_output=True,
            text=True,
            check=False,
            # Its restore_command (pgBackRest archive-get) reads the passphrase from here.
            env={**os.environ, **secret_environment(self.settings)},
        )
        if started.returncode != 0:
            raise BackupError(f"the restored cluster did not start: {self._log_reason()}")

    def _log_reason(self) -> str:
        """The server log's fatal line (or its last), for an error message."""
        log = self.work_dir / "postgres.log"
        lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
        found = next((x for x in lines if "FATAL" in x or "PANIC" in x), lines[-1] if lines else "")
        return found[-300:] or "no server log"

    def wait_for_promotion(self, timeout: float = 1800) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
                    row = connection.execute("SELECT pg_is_in_recovery()").fetchone()
            except psycopg.OperationalError:
                if not (self.data / "postmaster.pid").exists():  # it stopped: say why
                    raise BackupError(f"recovery failed: {self._log_reason()}") from None
                row = None  # still starting up
            if row is not None and row[0] is False:
                return
            if time.monotonic() > deadline:
                raise BackupError("recovery did not finish in time")
            time.sleep(0.2)

    def stop(self) -> None:
        subprocess.run(  # noqa: S603 - argv from settings, no shell
            self._pg_ctl("-m", "fast", "-t", "60", "-w", "stop"),
            capture_output=True,
            check=False,
        )


def _compare(snapshot: SourceSnapshot, restored_dsn: str) -> list[TableResult]:
    results = []
    with psycopg.connect(restored_dsn) as connection:
        for name, (rows, checksum) in snapshot.tables.items():
            found = connection.execute(CHECKSUM.format(name)).fetchone()
            assert found is not None
            results.append(TableResult(name, rows, int(found[0]), str(found[1]) == checksum))
    return results


def _amcheck(restored_dsn: str) -> Check:
    with psycopg.connect(restored_dsn, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = connection.execute(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND i.indisvalid"
            " AND c.relpersistence <> 't'"
        ).fetchall()
        for (index,) in indexes:
            connection.execute("SELECT bt_index_check(%s::regclass, true)", (index,))
    return Check("amcheck", True, f"{len(indexes)} B-tree indexes checked, heap included")


def _alembic_at_head(restored_dsn: str) -> Check:
    head = ScriptDirectory.from_config(alembic_config(restored_dsn)).get_current_head()
    with psycopg.connect(restored_dsn) as connection:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    found = row[0] if row else None
    return Check("alembic_at_head", found == head, f"database at {found}, code at {head}")


def _application_query(restored_dsn: str) -> Check:
    """The app's own mapping reads the restored tables: courses with their lesson counts."""
    from app.courses.models import Course
    from app.lessons.models import Lesson
    from app.users.models import User

    engine = create_engine(restored_dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with Session(engine) as session:
            users = session.scalar(select(func.count()).select_from(User)) or 0
            courses = session.execute(
                select(Course.title, func.count(Lesson.id))
                .outerjoin(Lesson, Lesson.course_id == Course.id)
                .group_by(Course.id)
                .order_by(Course.created_at.desc())
                .limit(20)
            ).all()
    finally:
        engine.dispose()
    return Check("application_query", users > 0, f"{users} users; {len(courses)} courses read")


def _versions(engine: PgBackRest, restored_dsn: str) -> dict[str, str]:
    from importlib.metadata import version

    pgbackrest = engine.run("version", timeout=60).strip()
    with psycopg.connect(restored_dsn) as connection:
        row = connection.execute("SELECT version()").fetchone()
    return {
        "pgbackrest": pgbackrest,
        "postgresql": str(row[0]) if row else "unknown",
        "courzly": version("courzly"),
    }


def run_drill(engine: PgBackRest, source_dsn: str, work_dir: Path) -> DrillReport:
    """Restore to now into `work_dir` and prove it; the source is only read."""
    clock = time.monotonic()
    started_at = datetime.now(UTC)
    snapshot = snapshot_source(source_dsn)
    report = DrillReport(
        started_at.isoformat(), snapshot.target.isoformat(), snapshot.restore_point
    )
    report.rpo_seconds = snapshot.rpo_seconds
    report.unarchived_wal_bytes = snapshot.unarchived_wal_bytes
    archive_through(source_dsn)
    data = work_dir / "data"
    used = restore(engine, data, restore_point=snapshot.restore_point)
    report.backup_set = used.to_json()
    server = ThrowawayPostgres(engine, work_dir, data)
    server.start()
    try:
        server.wait_for_promotion()
        restored_dsn = server.dsn(str(conninfo_to_dict(source_dsn).get("dbname") or "postgres"))
        report.tables = _compare(snapshot, restored_dsn)
        matched = all(
            t.checksum_matches and t.source_rows == t.restored_rows for t in report.tables
        )
        report.checks.append(
            Check(
                "tables_match_source",
                matched,
                f"{len(report.tables)} tables, {report.lost_rows} rows lost",
            )
        )
        for check in (_amcheck, _alembic_at_head, _application_query):
            try:
                report.checks.append(check(restored_dsn))
            except (psycopg.Error, BackupError) as exc:
                report.checks.append(Check(check.__name__.strip("_"), False, str(exc)[:300]))
        report.rto_seconds = time.monotonic() - clock
        report.restored_bytes = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
        report.versions = _versions(engine, restored_dsn)
    finally:
        server.stop()
    return report
