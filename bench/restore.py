"""Restore benchmark: how fast a database comes back from the S3 repository, and the RTO
that implies for a 10 GB database.

A PostgreSQL 15 cluster is filled with about --size-mb of hard-to-compress rows, backed up
in full to the encrypted S3 repository (moto behind the nginx TLS proxy, as in the tests),
then restored into a new directory and started until promoted. Baseline in the same run: a
plain copy of the same data directory on the same disk (`cp -a`), the floor any restore
pays for writing the files. Run as root (PostgreSQL runs as its own user).

    .venv/bin/python -m bench.restore [--size-mb 1024]   (from the repository root)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.backups.pgbackrest import PgBackRest
from app.backups.service import restore, take_backup
from tests.backups.harness import (
    Cluster,
    archiving_cluster,
    backup_settings,
    postgres_owned_directory,
    restored_cluster,
    s3_repository,
)

RESULTS = Path(__file__).resolve().parent / "results"
ROW_BYTES = 8 * 32 + 40  # eight md5 hex strings and the tuple's overhead, roughly
TEN_GB = 10 * 1024**3


def _fill(cluster: Cluster, size_mb: int) -> None:
    rows = size_mb * 1024 * 1024 // ROW_BYTES
    hashes = " || ".join(f"md5((g * {k})::text)" for k in range(1, 9))
    # Only numbers we computed go into the statement.
    statement = f"CREATE TABLE filler AS SELECT g AS id, {hashes} AS body FROM "  # noqa: S608
    cluster.psql(statement + f"generate_series(1, {rows}) AS g")
    cluster.psql("CHECKPOINT")


def _directory_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="database size to generate")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as s3_dir, s3_repository(Path(s3_dir)) as repository:
        base = postgres_owned_directory("courzly-bench-")
        settings = backup_settings(repository, base, BACKUP_PROCESS_MAX=2)
        engine = PgBackRest(settings)
        try:
            with archiving_cluster(settings, base) as cluster:
                print(f"Filling about {options.size_mb} MB ...", flush=True)
                _fill(cluster, options.size_mb)
                database_bytes = int(cluster.psql("SELECT pg_database_size('postgres')"))
                started = time.monotonic()
                taken = take_backup(engine, "full")
                backup_seconds = time.monotonic() - started

                copy_dir = postgres_owned_directory("courzly-bench-copy-")
                started = time.monotonic()
                subprocess.run(
                    ["cp", "-a", str(settings.pg_data), str(copy_dir / "data")], check=True
                )
                subprocess.run(["sync"], check=True)
                copy_seconds = time.monotonic() - started
                shutil.rmtree(copy_dir, ignore_errors=True)

            restored_dir = postgres_owned_directory("courzly-bench-restored-")
            started = time.monotonic()
            restore(engine, restored_dir / "data")
            subprocess.run(["sync"], check=True)
            restore_seconds = time.monotonic() - started
            restored_bytes = _directory_bytes(restored_dir / "data")
            started = time.monotonic()
            with restored_cluster(settings, restored_dir, restored_dir / "data") as restored:
                rows = restored.psql("SELECT count(*) FROM filler")
            start_seconds = time.monotonic() - started
            shutil.rmtree(restored_dir, ignore_errors=True)
        finally:
            shutil.rmtree(base, ignore_errors=True)

    restore_mb_s = restored_bytes / restore_seconds / 1024**2
    copy_mb_s = restored_bytes / copy_seconds / 1024**2
    implied_rto = TEN_GB / (restored_bytes / restore_seconds) + start_seconds
    figures = {
        "database_bytes": database_bytes,
        "restored_bytes": restored_bytes,
        "repository_bytes": taken.repository_bytes,
        "rows": int(rows),
        "backup_seconds": round(backup_seconds, 1),
        "restore_seconds": round(restore_seconds, 1),
        "start_and_promote_seconds": round(start_seconds, 1),
        "restore_mb_per_s": round(restore_mb_s, 1),
        "copy_baseline_mb_per_s": round(copy_mb_s, 1),
        "restore_over_copy": round(restore_mb_s / copy_mb_s, 3),
        "implied_rto_10gb_seconds": round(implied_rto, 0),
    }
    print(json.dumps(figures, indent=2))
    print(
        f"Restore: {restore_mb_s:.1f} MB/s ({restore_mb_s / copy_mb_s:.2f} x a plain copy at "
        f"{copy_mb_s:.1f} MB/s); 10 GB would take about {implied_rto / 60:.1f} min "
        f"(objective: 30 min)."
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"restore-{stamp}.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
