"""What `courzly backup` does: take a backup, list the sets, verify the repository, restore
into a new data directory. Each outcome is also written as textfile metrics and one JSON line
on standard error (the job's log)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from app.backups import host_config
from app.backups.files import SyncResult, sync_directory
from app.backups.pgbackrest import BackupError, PgBackRest, cipher_passphrase
from app.backups.s3 import backup_bucket, s3_client
from app.backups.textfile import Outcome, write_outcome

BACKUP_TYPES = ("full", "diff", "incr")


@dataclass(frozen=True)
class BackupSet:
    label: str
    type: str
    started_at: datetime
    stopped_at: datetime
    database_bytes: int
    repository_bytes: int  # compressed and encrypted, as stored
    wal_start: str
    wal_stop: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["stopped_at"] = self.stopped_at.isoformat()
        return data


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def backup_sets(info: dict[str, Any]) -> list[BackupSet]:
    return [
        BackupSet(
            label=entry["label"],
            type=entry["type"],
            started_at=_at(entry["timestamp"]["start"]),
            stopped_at=_at(entry["timestamp"]["stop"]),
            database_bytes=entry["info"]["size"],
            repository_bytes=entry["info"]["repository"]["delta"],
            wal_start=entry["archive"]["start"],
            wal_stop=entry["archive"]["stop"],
        )
        for entry in info.get("backup", [])
    ]


def _report(textfiles: Path | None, outcome: Outcome, detail: dict[str, Any]) -> None:
    if textfiles is not None:
        write_outcome(textfiles, outcome)
    line = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "backup.finished",
        **asdict(outcome),
        **detail,
    }
    print(json.dumps(line), file=sys.stderr, flush=True)


T = TypeVar("T")


def _reported(
    textfiles: Path | None, kind: str, step: Callable[[], tuple[T, int, dict[str, Any]]]
) -> T:
    """Run a backup step (its result, bytes stored, log details) and report its outcome
    either way: textfile metrics and one JSON line."""
    started = time.time()
    try:
        result, size, detail = step()
    except BackupError as exc:
        finished = time.time()
        _report(textfiles, Outcome(kind, False, finished, finished - started), {"error": str(exc)})
        raise
    finished = time.time()
    _report(textfiles, Outcome(kind, True, finished, finished - started, size), detail)
    return result


def take_backup(engine: PgBackRest, kind: str) -> BackupSet:
    """A full, differential or incremental backup; expired sets are removed after it."""
    if kind not in BACKUP_TYPES:
        raise BackupError(f"unknown backup type {kind!r}; use one of {', '.join(BACKUP_TYPES)}")

    def step() -> tuple[BackupSet, int, dict[str, Any]]:
        engine.run("backup", f"--type={kind}")
        newest = backup_sets(engine.info())[-1]
        return newest, newest.repository_bytes, {"label": newest.label}

    return _reported(engine.settings.textfile_dir, kind, step)


def _damage(report: str) -> list[str]:
    """What `pgbackrest verify` found wrong. It exits 0 whatever it finds, and says so in
    its report: 'invalid checksum <file>' lines and a stanza status of 'error'."""
    found = [
        line.split("INFO: ", 1)[-1].strip() for line in report.splitlines() if "invalid" in line
    ]
    if not found and "status: error" in report:
        found = ["the stanza's status is error"]
    return found


def verify_repository(engine: PgBackRest) -> float:
    """Read back every file in the repository and check its checksum; seconds taken."""

    def step() -> tuple[None, int, dict[str, Any]]:
        damage = _damage(engine.run("verify", "--log-level-console=info"))
        if damage:
            raise BackupError("verify found damage in the repository: " + "; ".join(damage[:5]))
        return None, 0, {}

    started = time.time()
    _reported(engine.settings.textfile_dir, "verify", step)
    return time.time() - started


def _check_target_time(target: datetime, sets: list[BackupSet]) -> None:
    if target.tzinfo is None:
        raise BackupError("give the target time with its time zone, e.g. 2026-11-30T14:05:00Z")
    now = datetime.now(UTC)
    if target > now:
        raise BackupError(f"{target.isoformat()} is in the future (it is {now:%Y-%m-%dT%H:%M:%SZ})")
    if not sets:
        raise BackupError("the repository holds no backup yet")
    oldest = sets[0].stopped_at
    if target < oldest:
        raise BackupError(
            f"{target.isoformat()} is before the oldest backup ({sets[0].label}, finished "
            f"{oldest.isoformat()}): no backup can reach it"
        )


def restore(
    engine: PgBackRest,
    target_dir: Path,
    target_time: datetime | None = None,
    restore_point: str | None = None,
) -> BackupSet:
    """Restore into a new, empty data directory: the latest state, the state at
    `target_time`, or at a named restore point (replaying WAL up to it). The running
    database is never touched; the restored cluster does not archive into the same
    repository."""
    if target_dir.resolve() == engine.settings.pg_data.resolve():
        raise BackupError("refusing to restore over the live data directory; name a new one")
    if target_dir.exists() and any(target_dir.iterdir()):
        raise BackupError(f"{target_dir} is not empty; restore into a new, empty directory")
    sets = backup_sets(engine.info())
    args = ["restore", f"--pg1-path={target_dir}", "--archive-mode=off"]
    if restore_point is not None or target_time is None:
        if not sets:
            raise BackupError("the repository holds no backup yet")
        source = sets[-1]
        if restore_point is not None:
            args += ["--type=name", f"--target={restore_point}", "--target-action=promote"]
    else:
        _check_target_time(target_time, sets)
        source = [s for s in sets if s.stopped_at <= target_time][-1]
        args += [
            "--type=time",
            f"--target={target_time.isoformat()}",
            f"--set={source.label}",
            "--target-action=promote",
        ]
    engine.run(*args)
    return source


def copy_files(engine: PgBackRest, directories: dict[str, Path]) -> dict[str, SyncResult]:
    """Copy each directory to `files/<name>/` in the backup bucket (changed files only)."""
    settings = engine.settings

    def step() -> tuple[dict[str, SyncResult], int, dict[str, Any]]:
        client, bucket = s3_client(settings), backup_bucket(settings)
        results = {
            name: sync_directory(
                client,
                bucket,
                f"{settings.s3_prefix}files/{name}/",
                root,
                settings.upload_encryption,
            )
            for name, root in directories.items()
        }
        uploaded = sum(r.uploaded_bytes for r in results.values())
        detail = {
            name: {"uploaded": len(r.uploaded), "deleted": len(r.deleted)}
            for name, r in results.items()
        }
        return results, uploaded, detail

    return _reported(settings.textfile_dir, "media", step)


def archive_host_config(engine: PgBackRest) -> tuple[str, int]:
    """Seal the host's configuration into the backup bucket; the object's key and size."""
    settings = engine.settings

    def step() -> tuple[tuple[str, int], int, dict[str, Any]]:
        key, size = host_config.upload(
            s3_client(settings),
            backup_bucket(settings),
            settings.host_path_list,
            cipher_passphrase(settings),
            settings.s3_prefix,
            settings.upload_encryption,
        )
        return (key, size), size, {"key": key}

    return _reported(settings.textfile_dir, "host-config", step)


def restore_host_config(
    engine: PgBackRest, target: Path, host: str, key: str | None = None
) -> tuple[str, list[str]]:
    """Unseal the host's latest archive (or a given one) under `target`; its key and entries."""
    settings = engine.settings
    client, bucket = s3_client(settings), backup_bucket(settings)
    chosen = key or host_config.latest_key(client, bucket, host, settings.s3_prefix)
    names = host_config.restore_into(client, bucket, chosen, cipher_passphrase(settings), target)
    return chosen, names


def initialise(engine: PgBackRest) -> None:
    """Create the stanza in the repository (idempotent: an existing one is checked)."""
    engine.run("stanza-create")


def check_archiving(engine: PgBackRest) -> None:
    """Prove WAL archiving works end to end: PostgreSQL switches to a new segment and
    pgBackRest must find it in the repository within its archive timeout."""
    engine.run("check")
