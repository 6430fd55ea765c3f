"""The repository over time: time-based retention expires old sets, `verify` notices a
damaged file, and `courzly backup` reports both (JSON, textfile metrics, exit codes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from app.backups.pgbackrest import BackupError, PgBackRest
from app.backups.service import backup_sets, take_backup, verify_repository
from app.cli import cli
from tests.backups.harness import BUCKET, KMS_KEY, S3Repository
from tests.monitoring.tools import tool_path


def test_sets_older_than_the_retention_expire_after_the_next_backup(
    cluster: object, engine: PgBackRest
) -> None:
    old = take_backup(engine, "full")
    new = take_backup(engine, "full")
    engine.run("expire")  # both are younger than the 30 days kept
    assert [s.label for s in backup_sets(engine.info())] == [old.label, new.label]
    # Forty days on (libfaketime moves pgBackRest's clock), both are past the retention:
    # the newest of them stays, so the repository can still reach back 30 days; the
    # older one and the WAL only it needed go.
    later = engine.settings.pgbackrest_command.replace(
        "pgbackrest", f"{tool_path('faketime')} -f +40d pgbackrest"
    )
    PgBackRest(engine.settings.model_copy(update={"pgbackrest_command": later})).run("expire")
    assert [s.label for s in backup_sets(engine.info())] == [new.label]


def _objects(repository: S3Repository, prefix: str) -> list[str]:
    listed = repository.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_verify_finds_a_damaged_file_in_the_repository(
    cluster: object, engine: PgBackRest, repository: S3Repository
) -> None:
    taken = take_backup(engine, "full")
    assert verify_repository(engine) >= 0
    prefix = (
        engine.settings.repo_path.strip("/") + f"/backup/{engine.settings.stanza}/{taken.label}/"
    )
    victim = next(key for key in _objects(repository, prefix) if "/pg_data/base/" in key)
    # pgBackRest named the bucket's key on every upload (the bucket policy demands it).
    head = repository.client().head_object(Bucket=BUCKET, Key=victim)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", KMS_KEY)
    repository.client().put_object(Bucket=BUCKET, Key=victim, Body=b"ransomware was here")
    with pytest.raises(BackupError, match="verify"):
        verify_repository(engine)
    metrics = Path(engine.settings.textfile_dir or "") / "courzly_backup_verify.prom"
    samples = {
        s.name: s.value
        for family in text_string_to_metric_families(metrics.read_text())
        for s in family.samples
    }
    assert samples["courzly_backup_last_run_succeeded"] == 0


def _environment(engine: PgBackRest) -> dict[str, str]:
    settings = engine.settings
    values = {
        field.alias: getattr(settings, name)
        for name, field in type(settings).model_fields.items()
        if field.alias and getattr(settings, name) is not None
    }
    return {
        alias: str(value.get_secret_value() if hasattr(value, "get_secret_value") else value)
        for alias, value in values.items()
    } | {"PATH": os.environ["PATH"]}


def test_the_command_takes_lists_and_reports_in_json(
    cluster: object, engine: PgBackRest, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = _environment(engine)
    taken = runner.invoke(cli, ["backup", "now", "--type", "full", "--json"], env=env)
    assert taken.exit_code == 0, taken.output
    label = json.loads(taken.stdout)["label"]
    listed = runner.invoke(cli, ["backup", "list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    document = json.loads(listed.stdout)
    assert [b["label"] for b in document["backups"]] == [label]
    assert document["wal"]["max"]
    again = runner.invoke(cli, ["backup", "init"], env=env)  # idempotent
    assert again.exit_code == 0, again.output
    checked = runner.invoke(cli, ["backup", "check"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "WAL archiving works" in checked.stdout
    wrong = runner.invoke(cli, ["backup", "now", "--type", "weekly"], env=env)
    assert wrong.exit_code == 2
    assert "Unknown backup type" in wrong.output
    bad_time = runner.invoke(
        cli, ["backup", "restore", "--to", str(tmp_path / "new"), "--time", "noon"], env=env
    )
    assert bad_time.exit_code == 2
    assert "Not a time" in bad_time.output
    assert "Traceback" not in wrong.output + bad_time.output
