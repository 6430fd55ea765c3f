"""Restores that cannot work fail with a clear message and leave the running database as it
was: a time before the oldest backup or in the future, a directory in use, a wrong cipher
passphrase, an unreachable repository."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.backups.pgbackrest import BackupError, PgBackRest, write_config
from app.backups.service import backup_sets, restore, take_backup
from tests.backups.harness import Cluster, postgres_owned_directory
from tests.monitoring.tools import free_port


@pytest.fixture
def backed_up(cluster: Cluster, engine: PgBackRest) -> Cluster:
    cluster.psql("CREATE TABLE kept (id int)")
    cluster.psql("INSERT INTO kept SELECT generate_series(1, 10)")
    take_backup(engine, "full")
    return cluster


def _untouched(cluster: Cluster) -> None:
    assert cluster.psql("SELECT count(*) FROM kept") == "10"


def _fails(engine: PgBackRest, target: Path, when: datetime | None, message: str) -> None:
    with pytest.raises(BackupError, match=message):
        restore(engine, target, when)


def test_a_time_before_the_oldest_backup_or_in_the_future_is_refused(
    backed_up: Cluster, engine: PgBackRest
) -> None:
    target = postgres_owned_directory("courzly-restore-") / "data"
    oldest = backup_sets(engine.info())[0].stopped_at
    _fails(engine, target, oldest - timedelta(hours=1), "before the oldest backup")
    _fails(engine, target, datetime.now(UTC) + timedelta(hours=1), "is in the future")
    _fails(engine, target, datetime(2026, 11, 30, 12, 0), "with its time zone")
    assert not target.exists()  # nothing was written
    _untouched(backed_up)


def test_the_live_or_a_used_directory_is_refused(backed_up: Cluster, engine: PgBackRest) -> None:
    _fails(engine, engine.settings.pg_data, None, "over the live data directory")
    used = postgres_owned_directory("courzly-used-")
    (used / "keep.txt").write_text("someone's files")
    _fails(engine, used, None, "is not empty")
    assert (used / "keep.txt").read_text() == "someone's files"
    _untouched(backed_up)


def test_a_wrong_passphrase_says_so(backed_up: Cluster, engine: PgBackRest) -> None:
    wrong = PgBackRest(engine.settings.model_copy(update={"cipher_pass": SecretStr("not-it")}))
    target = postgres_owned_directory("courzly-restore-") / "data"
    with pytest.raises(BackupError, match=re.escape("BACKUP_CIPHER_PASS is wrong")):
        restore(wrong, target)
    assert not target.exists()
    _untouched(backed_up)


def test_an_unreachable_repository_says_so(
    backed_up: Cluster, engine: PgBackRest, tmp_path: Path
) -> None:
    nowhere = engine.settings.model_copy(
        update={"s3_storage_port": free_port(), "config_file": tmp_path / "nowhere.conf"}
    )
    write_config(nowhere, nowhere.config_file)
    target = postgres_owned_directory("courzly-restore-") / "data"
    with pytest.raises(BackupError, match="unreachable"):
        restore(PgBackRest(nowhere), target)
    assert not target.exists()
    _untouched(backed_up)
