"""Storage: S3 through boto3 (against moto) and the local directory's signed links."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from app.config import Settings
from app.exports.storage import LocalStorage, S3Storage, signature_valid, storage_for


async def test_s3_keeps_exports_and_presigns_short_links(settings: Settings) -> None:
    with mock_aws():
        client = boto3.client(
            "s3", region_name="eu-west-1", config=Config(signature_version="s3v4")
        )
        client.create_bucket(
            Bucket="courzly-exports",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        s3 = settings.model_copy(
            update={"exports_s3_bucket": "courzly-exports", "export_url_ttl_seconds": 120}
        )
        storage = storage_for(s3, s3_client=client)
        assert isinstance(storage, S3Storage)
        await storage.put("c/e/course.json", b'{"ok": true}', "application/json")
        stored = client.get_object(Bucket="courzly-exports", Key="exports/c/e/course.json")
        assert stored["Body"].read() == b'{"ok": true}'
        assert stored["ContentType"] == "application/json"
        assert stored["ServerSideEncryption"] == "AES256"
        assert await storage.get("c/e/course.json") == b'{"ok": true}'  # Drive sync reads it
        link = storage.link(uuid.uuid4(), "c/e/course.json", "Git für alle.json")
    query = parse_qs(urlparse(link.url).query)
    assert query["X-Amz-Expires"] == ["120"]
    assert "attachment" in query["response-content-disposition"][0]
    assert abs(link.expires_at - (time.time() + 120)) < 5


def test_local_links_bind_the_export_and_the_expiry(settings: Settings, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, settings)
    export_id = uuid.uuid4()
    link = storage.link(export_id, "x/file.json", "file.json")
    query = parse_qs(urlparse(link.url).query)
    secret = settings.jwt_secret_value()
    expires, signature = int(query["expires"][0]), query["signature"][0]
    assert signature_valid(secret, export_id, expires, signature)
    assert not signature_valid(secret, uuid.uuid4(), expires, signature)
    assert not signature_valid(secret, export_id, expires + 1, signature)
    assert not signature_valid(secret, export_id, int(time.time()) - 1, signature)


async def test_local_storage_reads_back_what_it_kept(settings: Settings, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, settings)
    await storage.put("c/e/course.pdf", b"%PDF-1.7", "application/pdf")
    assert await storage.get("c/e/course.pdf") == b"%PDF-1.7"
    assert [p.name for p in (tmp_path / "c/e").iterdir()] == ["course.pdf"]


def test_keys_cannot_leave_the_exports_directory(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside"):
        LocalStorage(tmp_path, settings).path("../../etc/passwd")
