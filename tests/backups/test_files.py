"""Media and exports copied to the versioned bucket (changed files only, checksums checked
by S3, deletions kept as noncurrent versions), and the host's configuration sealed with
AES-256-GCM and unpacked again. boto3 against moto, in process."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from app.backups.files import sync_directory
from app.backups.host_config import restore_into, seal, unseal, upload
from app.backups.pgbackrest import BackupError
from app.cli import cli

BUCKET = "courzly-backups"
PASSPHRASE = "a-test-passphrase-that-is-long-enough"


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


def _body(client: Any, key: str, version: str | None = None) -> bytes:
    extra = {"VersionId": version} if version else {}
    return bytes(client.get_object(Bucket=BUCKET, Key=key, **extra)["Body"].read())


def test_only_changed_files_are_uploaded_and_a_deleted_one_stays_recoverable(
    s3: Any, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    (media / "course-1").mkdir(parents=True)
    (media / "course-1" / "diagram.png").write_bytes(b"png one")
    (media / "course-1" / "photo.jpg").write_bytes(b"jpeg")
    (media / "gone.gif").write_bytes(b"gif")
    first = sync_directory(s3, BUCKET, "files/media/", media)
    assert sorted(first.uploaded) == ["course-1/diagram.png", "course-1/photo.jpg", "gone.gif"]

    (media / "course-1" / "diagram.png").write_bytes(b"png two")
    (media / "gone.gif").unlink()
    second = sync_directory(s3, BUCKET, "files/media/", media)
    assert second.uploaded == ["course-1/diagram.png"]
    assert second.unchanged == 1
    assert second.deleted == ["gone.gif"]
    assert _body(s3, "files/media/course-1/diagram.png") == b"png two"
    head = s3.head_object(Bucket=BUCKET, Key="files/media/course-1/diagram.png")
    # Real S3 also checks the upload against the ChecksumSHA256 sent; moto ignores it.
    assert head["Metadata"]["sha256"] == hashlib.sha256(b"png two").hexdigest()

    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="files/media/gone.gif")
    assert versions["DeleteMarkers"][0]["IsLatest"] is True
    kept = versions["Versions"][0]
    assert _body(s3, "files/media/gone.gif", kept["VersionId"]) == b"gif"
    third = sync_directory(s3, BUCKET, "files/media/", media)
    assert (third.uploaded, third.deleted, third.unchanged) == ([], [], 2)


def test_an_unreachable_bucket_fails_clearly(s3: Any, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    with pytest.raises(BackupError, match="s3://no-such-bucket/files/"):
        sync_directory(s3, "no-such-bucket", "files/media/", tmp_path)


def test_the_host_configuration_is_sealed_and_comes_back_whole(s3: Any, tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    (etc / "courzly").mkdir(parents=True)
    (etc / "courzly" / "courzly.env").write_text("JWT_SECRET=very-secret\n")
    (etc / "letsencrypt" / "live" / "courzly.example").mkdir(parents=True)
    key_file = etc / "letsencrypt" / "live" / "courzly.example" / "privkey.pem"
    key_file.write_text("-----BEGIN PRIVATE KEY-----\n")
    key_file.chmod(0o600)
    key, size = upload(
        s3, BUCKET, [etc / "courzly", etc / "letsencrypt", etc / "absent"], PASSPHRASE
    )
    sealed = _body(s3, key)
    assert size == len(sealed)
    assert b"very-secret" not in sealed
    assert b"PRIVATE KEY" not in sealed

    new_host = tmp_path / "new-host"
    restore_into(s3, BUCKET, key, PASSPHRASE, new_host)
    restored = new_host / str(etc).lstrip("/")
    assert (restored / "courzly" / "courzly.env").read_text() == "JWT_SECRET=very-secret\n"
    restored_key = restored / "letsencrypt" / "live" / "courzly.example" / "privkey.pem"
    assert restored_key.stat().st_mode & 0o777 == 0o600


def test_a_wrong_passphrase_or_a_changed_byte_is_refused() -> None:
    sealed = seal(b"config", PASSPHRASE)
    assert unseal(sealed, PASSPHRASE) == b"config"
    with pytest.raises(BackupError, match="BACKUP_CIPHER_PASS is wrong"):
        unseal(sealed, "not-the-passphrase")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(BackupError, match="damaged"):
        unseal(tampered, PASSPHRASE)
    with pytest.raises(BackupError, match="not a Courzly"):
        unseal(b"plain tar", PASSPHRASE)


def test_the_commands_copy_media_and_seal_the_host_config(s3: Any, tmp_path: Path) -> None:
    (tmp_path / "media" / "c").mkdir(parents=True)
    (tmp_path / "media" / "c" / "x.png").write_bytes(b"x")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "course.pdf").write_bytes(b"%PDF")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "a.conf").write_text("a")
    env = {
        "PATH": os.environ["PATH"],
        "MEDIA_DIR": str(tmp_path / "media"),
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "BACKUP_S3_BUCKET": BUCKET,
        "BACKUP_S3_REGION": "us-east-1",
        "BACKUP_CIPHER_PASS": PASSPHRASE,
        "BACKUP_HOST_PATHS": str(tmp_path / "conf"),
        "BACKUP_TEXTFILE_DIR": str(tmp_path / "textfiles"),
        "BACKUP_S3_KMS_KEY_ID": boto3.client("kms", region_name="us-east-1").create_key()[
            "KeyMetadata"
        ]["Arn"],
    }
    runner = CliRunner()
    copied = runner.invoke(cli, ["backup", "media", "--json"], env=env)
    assert copied.exit_code == 0, copied.output
    assert json.loads(copied.stdout) == {
        "media": {"uploaded": ["c/x.png"], "unchanged": 0, "deleted": []},
        "exports": {"uploaded": ["course.pdf"], "unchanged": 0, "deleted": []},
    }
    # Every upload names the bucket's key, as its policy demands.
    media_key = "courzly/files/media/c/x.png"
    head = s3.head_object(Bucket=BUCKET, Key=media_key)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == (
        "aws:kms",
        env["BACKUP_S3_KMS_KEY_ID"],
    )
    sealed = runner.invoke(cli, ["backup", "host-config", "--json"], env=env)
    assert sealed.exit_code == 0, sealed.output
    assert json.loads(sealed.stdout)["key"].startswith("courzly/host-config/")
    out = tmp_path / "restored"
    back = runner.invoke(
        cli, ["backup", "restore-host-config", "--to", str(out), "--json"], env=env
    )
    assert back.exit_code == 0, back.output
    assert (out / str(tmp_path / "conf" / "a.conf").lstrip("/")).read_text() == "a"
    for kind in ("media", "host-config"):
        text = (tmp_path / "textfiles" / f"courzly_backup_{kind}.prom").read_text()
        succeeded = [
            s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == "courzly_backup_last_run_succeeded"
        ]
        assert succeeded == [1.0], kind
    missing = runner.invoke(cli, ["backup", "media"], env={**env, "BACKUP_S3_BUCKET": ""})
    assert missing.exit_code == 1
    assert "BACKUP_S3_BUCKET is not set" in missing.output
