"""A full backup, writes after it, and a point-in-time restore to a moment between two
writes: exactly the rows committed before that moment come back. Real pgBackRest, real
PostgreSQL 15, the repository on S3 (moto behind TLS), encrypted."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime

from app.backups.pgbackrest import PgBackRest
from app.backups.service import backup_sets, restore, take_backup
from tests.backups.harness import Cluster, postgres_owned_directory, restored_cluster


def _archive_now(cluster: Cluster) -> None:
    """Close the current WAL segment and wait until pgBackRest has it in the repository."""
    switched = cluster.psql("SELECT pg_walfile_name(pg_switch_wal())")
    deadline = time.monotonic() + 60
    # Segment names of one timeline sort in WAL order.
    while cluster.psql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < switched:
        assert time.monotonic() < deadline, f"WAL {switched} was never archived"
        time.sleep(0.2)


def test_a_point_in_time_restore_brings_back_exactly_the_rows_before_it(
    cluster: Cluster, engine: PgBackRest
) -> None:
    cluster.psql("CREATE TABLE notes (id int PRIMARY KEY, body text)")
    cluster.psql("INSERT INTO notes VALUES (1, 'before the backup')")
    full = take_backup(engine, "full")
    assert full.type == "full"

    cluster.psql("INSERT INTO notes VALUES (2, 'after the backup, before the target')")
    time.sleep(1.1)  # commit timestamps on either side of the target, a second apart
    target = datetime.now(UTC)
    time.sleep(1.1)
    cluster.psql("INSERT INTO notes VALUES (3, 'after the target')")
    _archive_now(cluster)

    restored_dir = postgres_owned_directory("courzly-restored-")
    data = restored_dir / "data"
    used = restore(engine, data, target)
    assert used.label == full.label
    with restored_cluster(engine.settings, restored_dir, data) as restored:
        rows = restored.psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM notes")
    assert rows == "1,2"
    # And the latest state has all three.
    latest_dir = postgres_owned_directory("courzly-latest-")
    restore(engine, latest_dir / "data")
    with restored_cluster(engine.settings, latest_dir, latest_dir / "data") as latest:
        assert latest.psql("SELECT count(*) FROM notes") == "3"
    assert [s.label for s in backup_sets(engine.info())] == [full.label]
    assert cluster.psql("SELECT count(*) FROM notes") == "3"  # the source is untouched
    for directory in (restored_dir, latest_dir):
        shutil.rmtree(directory, ignore_errors=True)
