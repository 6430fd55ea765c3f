"""Backup settings, read from the environment like the app's (docs/backup-policy.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class BackupSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    stanza: str = Field("courzly", alias="BACKUP_STANZA", pattern=r"^[a-z0-9_-]+$")
    # The repository: the Pulumi stack's backup bucket (versioned, Object Lock).
    s3_bucket: str | None = Field(None, alias="BACKUP_S3_BUCKET")
    s3_region: str = Field("eu-west-1", alias="BACKUP_S3_REGION")
    s3_endpoint: str | None = Field(None, alias="BACKUP_S3_ENDPOINT")  # default: AWS's
    s3_uri_style: str = Field("host", alias="BACKUP_S3_URI_STYLE", pattern=r"^(host|path)$")
    s3_storage_host: str | None = Field(None, alias="BACKUP_S3_STORAGE_HOST")  # connect here
    s3_storage_port: int | None = Field(None, alias="BACKUP_S3_STORAGE_PORT", ge=1, le=65535)
    s3_verify_tls: bool = Field(True, alias="BACKUP_S3_VERIFY_TLS")
    s3_key: SecretStr | None = Field(None, alias="BACKUP_S3_KEY")  # unset: the instance role
    s3_key_secret: SecretStr | None = Field(None, alias="BACKUP_S3_KEY_SECRET")
    # Everything goes under the prefix the host's role may write (infra: BACKUP_PREFIX).
    s3_prefix: str = Field("courzly/", alias="BACKUP_S3_PREFIX", pattern=r"^([\w.-]+/)*$")
    repo_path: str = Field("", alias="BACKUP_REPO_PATH")  # default: /<prefix>pgbackrest
    # The bucket's KMS key: every upload names it, as the bucket policy demands.
    s3_kms_key_id: str | None = Field(None, alias="BACKUP_S3_KMS_KEY_ID")
    # AES-256 passphrase: without it no backup can be read. Kept apart from the bucket.
    cipher_pass: SecretStr | None = Field(None, alias="BACKUP_CIPHER_PASS")
    retention_days: int = Field(30, alias="BACKUP_RETENTION_DAYS", ge=1, le=3650)
    process_max: int = Field(2, alias="BACKUP_PROCESS_MAX", ge=1, le=32)
    push_queue_max: str = Field("4GiB", alias="BACKUP_PUSH_QUEUE_MAX")

    # The PostgreSQL cluster backed up (pgBackRest runs beside it, as its OS user).
    pg_data: Path = Field(Path("/var/lib/postgresql/data"), alias="BACKUP_PG_DATA")
    pg_port: int = Field(5432, alias="BACKUP_PG_PORT", ge=1, le=65535)
    pg_socket_dir: Path = Field(Path("/var/run/postgresql"), alias="BACKUP_PG_SOCKET_DIR")
    pg_user: str = Field("postgres", alias="BACKUP_PG_USER")
    pg_bin_dir: Path = Field(Path("/usr/lib/postgresql/15/bin"), alias="BACKUP_PG_BIN_DIR")
    # The OS user restored clusters run as when `courzly backup` runs as root.
    os_user: str = Field("postgres", alias="BACKUP_OS_USER")

    # pgBackRest's own files, and how to run it (a prefix such as
    # `docker compose exec -T -u postgres postgres` when it lives in the database container).
    config_file: Path = Field(Path("/etc/pgbackrest/pgbackrest.conf"), alias="BACKUP_CONFIG_FILE")
    spool_dir: Path = Field(Path("/var/spool/pgbackrest"), alias="BACKUP_SPOOL_DIR")
    log_dir: Path = Field(Path("/var/log/pgbackrest"), alias="BACKUP_LOG_DIR")
    lock_dir: Path = Field(Path("/tmp/pgbackrest"), alias="BACKUP_LOCK_DIR")  # noqa: S108
    pgbackrest_command: str = Field("pgbackrest", alias="BACKUP_PGBACKREST_COMMAND")
    # The host's configuration, archived daily (comma-separated paths).
    host_paths: str = Field("/etc/courzly,/etc/nginx,/etc/letsencrypt", alias="BACKUP_HOST_PATHS")
    # Outcomes as Prometheus textfile metrics (node-exporter serves the directory).
    textfile_dir: Path | None = Field(None, alias="BACKUP_TEXTFILE_DIR")

    @model_validator(mode="after")
    def _repository_under_the_prefix(self) -> BackupSettings:
        if not self.repo_path:
            self.repo_path = f"/{self.s3_prefix}pgbackrest"
        return self

    @property
    def host_path_list(self) -> list[Path]:
        return [Path(p.strip()) for p in self.host_paths.split(",") if p.strip()]

    @property
    def upload_encryption(self) -> dict[str, str]:
        """The server-side encryption headers for boto3 uploads (none: the bucket default)."""
        if not self.s3_kms_key_id:
            return {}
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.s3_kms_key_id}

    @property
    def endpoint(self) -> str:
        return self.s3_endpoint or f"s3.{self.s3_region}.amazonaws.com"
