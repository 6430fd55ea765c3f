"""Fixtures for the backup tests: one S3 repository for the module, a cluster per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.backups.config import BackupSettings
from app.backups.pgbackrest import PgBackRest
from tests.backups.harness import (
    Cluster,
    S3Repository,
    archiving_cluster,
    backup_settings,
    postgres_owned_directory,
    s3_repository,
)


@pytest.fixture(scope="session")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Repository]:
    with s3_repository(tmp_path_factory.mktemp("s3")) as found:
        yield found


@pytest.fixture
def cluster_base() -> Iterator[Path]:
    base = postgres_owned_directory("courzly-backup-")
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def settings_for_backup(repository: S3Repository, cluster_base: Path) -> BackupSettings:
    return backup_settings(repository, cluster_base)


@pytest.fixture
def cluster(settings_for_backup: BackupSettings, cluster_base: Path) -> Iterator[Cluster]:
    with archiving_cluster(settings_for_backup, cluster_base) as started:
        yield started


@pytest.fixture
def engine(settings_for_backup: BackupSettings) -> PgBackRest:
    return PgBackRest(settings_for_backup)
