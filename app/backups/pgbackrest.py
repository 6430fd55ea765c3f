"""pgBackRest, the engine under `courzly backup`: its configuration (rendered from
app/backups/templates/pgbackrest.conf.j2), how it is run, and its errors in plain words."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.backups.config import BackupSettings

TEMPLATES = Path(__file__).parent / "templates"  # in the package: the host venv has it too
ERROR_LINE = re.compile(r"ERROR: \[(\d+)\]: (.+)")
# pgBackRest's error codes that have a plainer explanation for an operator.
HINTS = {
    "039": "the S3 repository is unreachable (BACKUP_S3_ENDPOINT, the network, or TLS)",
    "095": "the repository cannot be decrypted: BACKUP_CIPHER_PASS is wrong",
    "075": "no backup in the repository can reach that point",
    "103": "the repository holds no backup yet (run `courzly backup now --type full`)",
}


class BackupError(Exception):
    """A backup command that failed, with a message an operator can act on."""


def render_config(settings: BackupSettings) -> str:
    if not settings.s3_bucket:
        raise BackupError("BACKUP_S3_BUCKET is not set: there is no repository to write to")
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - an INI file, not HTML
    )
    return environment.get_template("pgbackrest.conf.j2").render(
        stanza=settings.stanza,
        bucket=settings.s3_bucket,
        region=settings.s3_region,
        endpoint=settings.endpoint,
        uri_style=settings.s3_uri_style,
        storage_host=settings.s3_storage_host,
        storage_port=settings.s3_storage_port,
        verify_tls=settings.s3_verify_tls,
        static_keys=settings.s3_key is not None,
        repo_path=settings.repo_path,
        kms_key_id=settings.s3_kms_key_id,
        retention_days=settings.retention_days,
        push_queue_max=settings.push_queue_max,
        spool_dir=settings.spool_dir,
        lock_dir=settings.lock_dir,
        log_dir=settings.log_dir,
        process_max=settings.process_max,
        pg_data=settings.pg_data,
        pg_port=settings.pg_port,
        pg_socket_dir=settings.pg_socket_dir,
        pg_user=settings.pg_user,
    )


def cipher_passphrase(settings: BackupSettings) -> str:
    if settings.cipher_pass is None:
        raise BackupError("BACKUP_CIPHER_PASS is not set: backups are always encrypted")
    return settings.cipher_pass.get_secret_value()


def secret_environment(settings: BackupSettings) -> dict[str, str]:
    """The secrets pgBackRest reads from its environment, never from its config file."""
    env = {"PGBACKREST_REPO1_CIPHER_PASS": cipher_passphrase(settings)}
    if settings.s3_key is not None and settings.s3_key_secret is not None:
        env["PGBACKREST_REPO1_S3_KEY"] = settings.s3_key.get_secret_value()
        env["PGBACKREST_REPO1_S3_KEY_SECRET"] = settings.s3_key_secret.get_secret_value()
    return env


@dataclass(frozen=True)
class PgBackRest:
    settings: BackupSettings

    def command(self, *args: str) -> list[str]:
        return [
            *shlex.split(self.settings.pgbackrest_command),
            f"--config={self.settings.config_file}",
            f"--stanza={self.settings.stanza}",
            *args,
        ]

    def run(self, *args: str, timeout: float = 6 * 3600) -> str:
        """Run one pgBackRest command; its standard output, or BackupError saying why not."""
        env = {**os.environ, **secret_environment(self.settings)}
        try:
            done = subprocess.run(  # noqa: S603 - argv from our settings, no shell
                self.command(*args),
                capture_output=True,
                text=True,
                errors="replace",  # a wrong passphrase makes pgBackRest print ciphertext
                timeout=timeout,
                env=env,
                check=False,
            )
        except FileNotFoundError as exc:
            raise BackupError(f"pgBackRest is not installed here ({exc.filename})") from None
        except subprocess.TimeoutExpired:
            raise BackupError(f"pgBackRest {args[0]} took longer than {timeout:.0f} s") from None
        if done.returncode != 0:
            raise BackupError(explain(args[0], done.stdout + done.stderr, done.returncode))
        return done.stdout

    def info(self) -> dict[str, Any]:
        """The stanza as `pgbackrest info` reports it (backup sets, WAL range, status)."""
        # strict=False: a wrong passphrase puts decrypted garbage into the status message.
        stanzas = json.loads(self.run("info", "--output=json", timeout=300), strict=False)
        if not stanzas:
            raise BackupError(f"the repository has no stanza {self.settings.stanza!r}")
        stanza: dict[str, Any] = stanzas[0]
        for repository in stanza.get("repo", []):
            status = repository.get("status", {})
            if status.get("code", 0) not in (0, 2):  # 2: no backup yet, still a valid stanza
                raise BackupError(repository_problem(str(status.get("message", ""))))
        return stanza


def explain(command: str, output: str, returncode: int) -> str:
    found = ERROR_LINE.findall(output)
    if not found:
        tail = output.strip().splitlines()[-1:] or ["no output"]
        return f"pgBackRest {command} failed (exit {returncode}): {tail[0]}"
    code, message = found[-1]
    hint = HINTS.get(code)
    return f"pgBackRest {command} failed: {message}" + (f" ({hint})" if hint else "")


def repository_problem(message: str) -> str:
    """pgBackRest's reason a repository cannot be read, in an operator's words."""
    if "unable to load info file" in message and "FormatError" in message:
        return "the repository cannot be decrypted: BACKUP_CIPHER_PASS is wrong"
    if "HostConnectError" in message or "unable to connect" in message:
        return f"the S3 repository is unreachable ({HINTS['039']})"
    first = message.splitlines()[0] if message else "unknown"
    return "the repository cannot be read: " + "".join(c for c in first if c.isprintable())[:300]


def write_config(settings: BackupSettings, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_config(settings))
    path.chmod(0o644)  # no secret inside; pgBackRest runs as the database's user
    return path
