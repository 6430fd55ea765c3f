"""docker-compose.yml, the production stack: valid against the Compose Specification (the
real check-jsonschema and its built-in schema), and every rule of issue 7 asserted for every
service. There is no Docker engine here; GitHub Actions and the hosts run the stack."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import Settings
from app.migrate import ROOT
from app.monitoring.config import MonitoringSettings
from tests.hadolint import assert_hadolint_clean

COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CHECK_JSONSCHEMA = ROOT / ".venv" / "bin" / "check-jsonschema"
APP_IMAGES = {"COURZLY_API_IMAGE", "COURZLY_WEB_IMAGE"}
EXPECTED = {
    "api",
    "worker",
    "migrate",
    "web",
    "postgres",
    "redis",
    "prometheus",
    "alertmanager",
    "grafana",
    "node-exporter",
    "postgres-exporter",
    "redis-exporter",
    "blackbox-exporter",
    "monitoring-config",
}
ONE_SHOTS = {"migrate", "monitoring-config"}  # waited for with service_completed_successfully
DATA_SERVICES = {"postgres": "/var/lib/postgresql/data", "redis": "/data"}
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)")
# image:tag with a version in the tag, never "latest" or a bare name.
PINNED = re.compile(r"^[\w.\-/]+:v?\d+\.\d+(\.\d+)?[\w.\-]*$")


@functools.cache
def _stack() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())  # merges the x- anchors
    return loaded


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _stack()["services"]
    return services


@pytest.mark.parametrize("compose", ["docker-compose.yml", "compose.dev.yml"])
def test_the_compose_files_follow_the_compose_specification(compose: str) -> None:
    checked = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(ROOT / compose)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_stack_has_every_service() -> None:
    assert set(_services()) == EXPECTED


def test_every_image_is_pinned_and_app_images_come_by_digest() -> None:
    for name, service in _services().items():
        image = service["image"]
        used = set(VARIABLE.findall(image))
        if used:
            # The deploy sets these to name@sha256:...; compose refuses to start without.
            assert used <= APP_IMAGES, (name, image)
            assert ":?" in image, (name, image)
        else:
            assert PINNED.match(image), (name, image)
            assert "latest" not in image, (name, image)
    for variable in APP_IMAGES:
        example = _env_example()[variable]
        assert re.fullmatch(r"[\w.\-/]+@sha256:[0-9a-f]{64}", example), example


def test_every_service_restarts_rotates_its_logs_and_has_limits() -> None:
    for name, service in _services().items():
        expected_restart = "no" if name in ONE_SHOTS else "unless-stopped"
        assert service["restart"] == expected_restart, name
        logging = service["logging"]
        assert logging["driver"] == "json-file", name
        assert logging["options"]["max-size"], name
        assert logging["options"]["max-file"], name
        limits = service["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0, name
        assert re.fullmatch(r"\d+[MG]", limits["memory"]), name
        assert "no-new-privileges:true" in service["security_opt"], name


def test_every_long_running_service_has_a_healthcheck_and_waits_for_healthy_ones() -> None:
    services = _services()
    for name, service in services.items():
        if name in ONE_SHOTS:
            continue
        check = service["healthcheck"]
        assert not check.get("disable"), name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        for dependency, condition in service.get("depends_on", {}).items():
            wanted = (
                "service_completed_successfully" if dependency in ONE_SHOTS else "service_healthy"
            )
            assert condition == {"condition": wanted}, (name, dependency)
    assert services["api"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["worker"]["healthcheck"]["test"][:2] == ["CMD", "courzly"]


def test_only_loopback_ports_are_published_and_never_the_databases() -> None:
    for name, service in _services().items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
    for name in ("postgres", "redis", "postgres-exporter", "redis-exporter", "node-exporter"):
        assert "ports" not in _services()[name], name
    networks = _stack()["networks"]
    assert networks["backend"]["internal"] is True
    assert _services()["redis"]["networks"] == ["backend"]
    # PostgreSQL reaches out (pgBackRest to S3) but is never reachable from outside.
    assert _services()["postgres"]["networks"] == ["backend", "edge"]


def test_data_lives_in_named_volumes() -> None:
    volumes = set(_stack()["volumes"])
    for name, path in DATA_SERVICES.items():
        mounted = {m.split(":")[1]: m.split(":")[0] for m in _services()[name]["volumes"]}
        assert mounted[path] in volumes, name
    assert _services()["api"]["volumes"][0] == "app-data:/data"


def test_app_containers_are_read_only_unprivileged_and_share_one_image() -> None:
    services = _services()
    for name in ("api", "worker", "migrate", "web"):
        assert services[name]["read_only"] is True, name
        assert services[name]["cap_drop"] == ["ALL"], name
        assert services[name]["tmpfs"], name
    assert services["api"]["image"] == services["worker"]["image"] == services["migrate"]["image"]
    assert services["worker"]["command"][0] == "worker"
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"


def test_postgres_is_tuned_and_archives_wal_through_the_hook() -> None:
    postgres = _services()["postgres"]
    settings = dict(
        arg.split("=", 1) for arg in postgres["command"] if "=" in arg and not arg.startswith("-")
    )
    assert settings["wal_level"] == "replica"
    assert settings["archive_mode"] == "on"
    assert int(settings["archive_timeout"]) <= 60  # RPO: a segment at least every minute
    assert settings["archive_command"] == "/usr/local/bin/courzly-archive-wal %p %f"
    assert "shared_buffers" in settings
    # The hook and pgBackRest are in the image (backups/postgres/Dockerfile); its config
    # comes from the host, read-only, and its passphrase from the env file.
    dockerfile = (ROOT / "backups" / "postgres" / "Dockerfile").read_text()
    assert "COPY --chmod=0755 archive-wal.sh /usr/local/bin/courzly-archive-wal" in dockerfile
    assert "pgbackrest=" in dockerfile
    tag = re.search(r'org\.opencontainers\.image\.version="([^"]+)"', dockerfile)
    assert tag is not None
    assert postgres["image"].endswith(f"/courzly-postgres:{tag.group(1)}")
    assert "${BACKUP_CONFIG_DIR:-/etc/pgbackrest}:/etc/pgbackrest:ro" in postgres["volumes"]
    assert postgres["environment"]["PGBACKREST_REPO1_CIPHER_PASS"] == "${BACKUP_CIPHER_PASS:-}"
    assert "--appendonly yes" in " ".join(_services()["redis"]["command"])
    assert "--requirepass" in " ".join(_services()["redis"]["command"])


def test_secrets_come_from_the_env_file_never_from_the_compose_file() -> None:
    text = COMPOSE.read_text()
    for name, service in _services().items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|KEY|TOKEN|DATA_SOURCE|_URL$|_AUTH$", key):
                assert "${" in str(value), (name, key, "a literal secret")
    assert "JWT_SECRET" not in text  # only in the env file
    assert "OPENAI_API_KEY" not in text
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
    git = shutil.which("git")
    assert git
    tracked = subprocess.run(
        [git, "ls-files", ".env", "*.env"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert tracked.stdout == ""


def _env_example() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        entry = line.lstrip("#").strip()
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", entry)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_env_example_documents_every_variable_of_the_stack_and_the_app() -> None:
    documented = _env_example()
    used = set(VARIABLE.findall(COMPOSE.read_text()))
    assert used - set(documented) == set()
    set_by_compose = {"COURZLY_ENV", "DATABASE_URL", "REDIS_URL", "SECURITY_LOG_FILE"}
    set_by_compose |= {"MEDIA_DIR", "EXPORTS_DIR"}
    fields = [*Settings.model_fields.values(), *MonitoringSettings.model_fields.values()]
    aliases = {field.alias for field in fields if field.alias}
    assert aliases - set(documented) - set_by_compose == set()
    # Placeholders only: nothing in the example works as a real secret.
    for name in (
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
        "JWT_SECRET",
        "ENCRYPTION_KEY",
    ):
        assert documented[name].startswith("change-me"), name


def test_every_file_the_stack_mounts_is_in_the_repository() -> None:
    for name, service in _services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), (name, source)


def test_the_wal_hook_keeps_each_segment_once_and_never_overwrites(tmp_path: Path) -> None:
    hook = ROOT / "backups" / "postgres" / "archive-wal.sh"
    spool = tmp_path / "spool"
    spool.mkdir()
    segment = tmp_path / "000000010000000000000001"
    segment.write_bytes(b"wal bytes" * 1000)
    env = {"PATH": "/usr/bin:/bin", "WAL_SPOOL_DIR": str(spool), "PGBACKREST_CONFIG": "/nope"}

    def archive() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(hook), str(segment), segment.name],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert archive().returncode == 0
    assert (spool / segment.name).read_bytes() == segment.read_bytes()
    assert archive().returncode == 0  # PostgreSQL retrying after a crash: same segment
    segment.write_bytes(b"other bytes")
    refused = archive()
    assert refused.returncode == 1
    assert "not overwriting" in refused.stderr
    assert (spool / segment.name).read_bytes() == b"wal bytes" * 1000
    assert sorted(p.name for p in spool.iterdir()) == [segment.name]  # no .partial left


def test_the_postgres_image_passes_hadolint_and_pins_debian_12s_pgbackrest() -> None:
    dockerfile = ROOT / "backups" / "postgres" / "Dockerfile"
    assert_hadolint_clean(dockerfile)
    pin = re.search(r"pgbackrest=(\S+)", dockerfile.read_text())
    assert pin is not None
    installed = subprocess.run(
        ["/usr/bin/dpkg-query", "-W", "-f", "${Version}", "pgbackrest"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert installed.stdout == pin.group(1)  # the version the backup tests run
    workflow = (ROOT / ".github" / "workflows" / "postgres-image.yml").read_text()
    assert pin.group(1).split("-")[0] in workflow
