"""Settings: production refuses unsafe secrets; development fills in what it safely can."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from app.config import ConfigError, Environment, Settings, secret_problem
from app.main import create_app

STRONG = "kq3J9vT2xZ8pL5mN7rW1yB4cD6fH0gS2aE8uI3oP5"


def _production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "COURZLY_ENV": Environment.PRODUCTION,
        "DATABASE_URL": "postgresql://app@db.internal/courzly",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "ENCRYPTION_KEY": SecretStr(STRONG[::-1]),
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "missing"),
        ("short-secret", "at least 32"),
        ("a" * 64, "guessable"),
        ("abababababababababababababababab", "guessable"),
    ],
)
def test_production_refuses_missing_or_weak_jwt_secret(secret: str | None, message: str) -> None:
    settings = _production(JWT_SECRET=SecretStr(secret) if secret else None)
    with pytest.raises(ConfigError, match=message):
        create_app(settings)


def test_production_accepts_a_strong_secret(tmp_path: Path) -> None:
    assert secret_problem(STRONG) is None
    settings = _production(JWT_SECRET=SecretStr(STRONG), COURZLY_DATA_DIR=tmp_path)
    assert create_app(settings).title == "Courzly API"


def test_production_needs_real_services() -> None:
    settings = _production(JWT_SECRET=SecretStr(STRONG), DATABASE_URL=None)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app(settings)


@pytest.mark.parametrize("key", [None, "too-short"])
def test_production_needs_an_encryption_key(key: str | None) -> None:
    settings = _production(JWT_SECRET=SecretStr(STRONG), ENCRYPTION_KEY=key)
    with pytest.raises(ConfigError, match="ENCRYPTION_KEY"):
        create_app(settings)


def test_production_refuses_an_smtp_password_without_tls() -> None:
    settings = _production(
        JWT_SECRET=SecretStr(STRONG), SMTP_SECURITY="none", SMTP_PASSWORD=SecretStr("pw")
    )
    with pytest.raises(ConfigError, match="in clear"):
        create_app(settings)


def test_a_malformed_allowed_network_is_refused_at_startup() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_ALLOWED_NETWORKS"):
        Settings.model_validate({"WEBHOOK_ALLOWED_NETWORKS": "10.0.0.0/8, not-a-network"})


def test_development_generates_and_keeps_a_secret(settings: Settings, tmp_path: Path) -> None:
    dev = settings.model_copy(update={"jwt_secret": None, "data_dir": tmp_path})
    first = create_app(dev).state.settings.jwt_secret_value()
    second = create_app(dev).state.settings.jwt_secret_value()
    assert first == second
    assert len(first) >= 48
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o777 == 0o600


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COURZLY_", "JWT_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_config_explains_a_weak_secret_without_a_traceback() -> None:
    result = _cli(
        "check-config",
        COURZLY_ENV="production",
        JWT_SECRET="changeme",
        DATABASE_URL="postgresql://x@127.0.0.1/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 2
    assert "JWT_SECRET must be at least 32 characters" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "changeme" not in result.stderr + result.stdout


def test_check_config_reaches_the_services(database_url: str, redis_url: str) -> None:
    ok = _cli("check-config", DATABASE_URL=database_url, REDIS_URL=redis_url, JWT_SECRET=STRONG)
    assert ok.returncode == 0, ok.stderr
    assert "Configuration OK" in ok.stdout
    down = _cli(
        "check-config",
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        REDIS_URL=redis_url,
        JWT_SECRET=STRONG,
    )
    assert down.returncode == 1
    assert "PostgreSQL unreachable" in down.stderr
    assert "Traceback" not in down.stderr
