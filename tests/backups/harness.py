"""Real pieces for the backup tests: an S3 repository (moto's server behind a local nginx TLS
proxy, since pgBackRest's S3 client speaks only HTTPS) and throwaway PostgreSQL 15 clusters
(initdb as the postgres user; initdb refuses root) archiving WAL through pgBackRest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from app.backups.config import BackupSettings
from app.backups.drill import owned_directory
from app.backups.pgbackrest import PgBackRest, secret_environment, write_config
from app.backups.service import initialise
from tests.monitoring.tools import free_port, tool_path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
BUCKET = "courzly-backups"
CIPHER_PASS = "a-test-passphrase-that-is-long-enough"
S3_KEY, S3_SECRET = "test-key", "test-secret"  # moto accepts any
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001"


def as_postgres(*args: str) -> list[str]:
    return [tool_path("runuser"), "-u", "postgres", "--", *args]


def postgres_owned_directory(prefix: str) -> Path:
    """A directory the postgres user owns, under a parent it can reach (pytest's tmp_path
    is root's alone)."""
    assert os.geteuid() == 0, "the backup tests run PostgreSQL as its own user: run them as root"
    return owned_directory(prefix, "postgres")


@dataclass
class S3Repository:
    endpoint_port: int  # the TLS proxy
    moto_port: int

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.moto_port}",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        )


def _nginx_conf(directory: Path, listen: int, upstream: int) -> Path:
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
error_log {directory}/error.log;
pid {directory}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {directory}/body;
  proxy_temp_path {directory}/proxy;
  fastcgi_temp_path {directory}/fastcgi;
  uwsgi_temp_path {directory}/uwsgi;
  scgi_temp_path {directory}/scgi;
  server {{
    listen 127.0.0.1:{listen} ssl;
    ssl_certificate {directory}/cert.pem;
    ssl_certificate_key {directory}/key.pem;
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $proxy_host;
      proxy_http_version 1.1;
    }}
  }}
}}
"""
    )
    return conf


@contextmanager
def s3_repository(directory: Path) -> Iterator[S3Repository]:
    """moto's S3 over HTTP, and nginx in front of it with a self-signed certificate. moto
    runs in a process of its own: in this one, any test's `mock_aws()` would reset its
    buckets on the way out."""
    moto_port, tls_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    directory.chmod(0o777)  # nginx's workers run as nobody
    subprocess.run(
        [
            tool_path("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=s3.localhost",
            "-keyout",
            str(directory / "key.pem"),
            "-out",
            str(directory / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    conf = _nginx_conf(directory, tls_port, moto_port)
    proxy = subprocess.Popen(
        [tool_path("nginx"), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    repository = S3Repository(tls_port, moto_port)
    try:
        _wait_for_port(moto_port)
        client = repository.client()
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        _wait_for_port(tls_port)
        yield repository
    finally:
        for process in (proxy, server):
            process.terminate()
            process.wait(timeout=10)


def _wait_for_port(port: int, timeout: float = 10) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on {port}"
            time.sleep(0.05)


def backup_settings(repository: S3Repository, base: Path, **overrides: Any) -> BackupSettings:
    """Settings for a cluster under `base` (its data in base/data, its socket in base)."""
    values: dict[str, Any] = {
        "BACKUP_S3_BUCKET": BUCKET,
        "BACKUP_S3_REGION": "us-east-1",
        "BACKUP_S3_ENDPOINT": "s3.localhost",
        "BACKUP_S3_STORAGE_HOST": "127.0.0.1",
        "BACKUP_S3_STORAGE_PORT": repository.endpoint_port,
        "BACKUP_S3_URI_STYLE": "path",
        "BACKUP_S3_VERIFY_TLS": False,  # the proxy's certificate is self-signed
        "BACKUP_S3_KEY": S3_KEY,
        "BACKUP_S3_KEY_SECRET": S3_SECRET,
        "BACKUP_REPO_PATH": f"/courzly/{base.name}",  # one repository per test
        "BACKUP_S3_KMS_KEY_ID": KMS_KEY,
        "BACKUP_CIPHER_PASS": CIPHER_PASS,
        "BACKUP_PG_DATA": str(base / "data"),
        "BACKUP_PG_PORT": free_port(),
        "BACKUP_PG_SOCKET_DIR": str(base),
        "BACKUP_CONFIG_FILE": str(base / "pgbackrest.conf"),
        "BACKUP_SPOOL_DIR": str(base / "spool"),
        "BACKUP_LOG_DIR": str(base / "log"),
        "BACKUP_LOCK_DIR": str(base / "lock"),
        "BACKUP_PGBACKREST_COMMAND": f"{tool_path('runuser')} -u postgres -- pgbackrest",
        "BACKUP_TEXTFILE_DIR": str(base / "textfiles"),
        **overrides,
    }
    return BackupSettings.model_validate(values)


@dataclass
class Cluster:
    """A PostgreSQL 15 cluster in `base/data`, listening on its unix socket only."""

    settings: BackupSettings
    base: Path
    process_env: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.settings.pg_data

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            as_postgres(
                str(PG_BIN / "psql"),
                "-X",
                "-qAt",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.settings.pg_socket_dir),
                "-p",
                str(self.settings.pg_port),
                "-d",
                database,
                "-c",
                sql,
            ),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def start(self) -> None:
        subprocess.run(
            as_postgres(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.base / f"pg-{self.settings.pg_port}.log"),
                # A restored directory carries its source's port: this cluster's own wins.
                "-o",
                f"-p {self.settings.pg_port} -k {self.settings.pg_socket_dir}",
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
            env=self.process_env,
            timeout=60,
        )

    def stop(self) -> None:
        for mode in ("fast", "immediate"):  # immediate if the archiver holds a fast stop up
            command = as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-t", "30", "-w", "stop"
            )
            done = subprocess.run(command, capture_output=True, timeout=60, check=False)
            if done.returncode == 0 or b"not running" in done.stderr + done.stdout:
                return


def _configure(cluster: Cluster, archive: bool) -> None:
    settings = cluster.settings
    lines = [
        f"port = {settings.pg_port}",
        f"unix_socket_directories = '{settings.pg_socket_dir}'",
        "listen_addresses = ''",
        "wal_level = replica",
        "archive_timeout = 60",
    ]
    if archive:
        lines += [
            "archive_mode = on",
            f"archive_command = 'pgbackrest --config={settings.config_file} "
            f"--stanza={settings.stanza} archive-push %p'",
        ]
    with (cluster.data / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n".join(lines) + "\n")


def _environment(settings: BackupSettings) -> dict[str, str]:
    return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **secret_environment(settings)}


@contextmanager
def archiving_cluster(settings: BackupSettings, base: Path) -> Iterator[Cluster]:
    """A new cluster archiving every WAL segment to the repository, with its stanza made."""
    for name in ("spool", "log", "lock", "textfiles"):
        (base / name).mkdir(exist_ok=True)
        shutil.chown(base / name, "postgres", "postgres")
    write_config(settings, settings.config_file)
    subprocess.run(
        as_postgres(
            str(PG_BIN / "initdb"), "-D", str(settings.pg_data), "--auth=trust", "-U", "postgres"
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    cluster = Cluster(settings, base, _environment(settings))
    _configure(cluster, archive=True)
    cluster.start()
    try:
        initialise(PgBackRest(settings))  # as `courzly backup init` does
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def restored_cluster(settings: BackupSettings, base: Path, data: Path) -> Iterator[Cluster]:
    """Start a restored data directory on a port of its own and wait for recovery to end."""
    own = settings.model_copy(
        update={"pg_data": data, "pg_port": free_port(), "pg_socket_dir": base}
    )
    cluster = Cluster(own, base, _environment(settings))
    cluster.start()
    try:
        deadline = time.monotonic() + 120
        while cluster.psql("SELECT pg_is_in_recovery()") != "f":
            assert time.monotonic() < deadline, "recovery did not finish"
            time.sleep(0.2)
        yield cluster
    finally:
        cluster.stop()
