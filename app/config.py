"""Settings, all read from the environment (and an optional .env file)."""

from __future__ import annotations

import ipaddress
import math
from collections import Counter
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32
MIN_SECRET_ENTROPY_BITS = 128


DEFAULT_AI_PRICES = (
    '{"gpt-4o-mini": [0.15, 0.6], "gpt-4o": [2.5, 10.0], "gpt-4.1-mini": [0.4, 1.6]}'
)


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # submission port 587: plain connect, then STARTTLS (required)
    TLS = "tls"  # implicit TLS, port 465
    NONE = "none"  # a relay on this host or network only


class ConfigError(Exception):
    """Settings that make it unsafe or impossible to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Field(Environment.DEVELOPMENT, alias="COURZLY_ENV")
    data_dir: Path = Field(Path(".courzly"), alias="COURZLY_DATA_DIR")
    host: str = Field("127.0.0.1", alias="COURZLY_HOST")
    port: int = Field(8000, alias="COURZLY_PORT", ge=1, le=65535)
    api_processes: int = Field(1, alias="COURZLY_API_PROCESSES", ge=1, le=64)
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    security_log_file: Path | None = Field(None, alias="SECURITY_LOG_FILE")

    database_url: SecretStr | None = Field(None, alias="DATABASE_URL")
    database_pool_size: int = Field(20, alias="DATABASE_POOL_SIZE", ge=1, le=200)
    redis_url: SecretStr | None = Field(None, alias="REDIS_URL")
    redis_key_prefix: str = Field("courzly:", alias="REDIS_KEY_PREFIX")

    jwt_secret: SecretStr | None = Field(None, alias="JWT_SECRET")
    access_token_ttl_seconds: int = Field(900, alias="ACCESS_TOKEN_TTL_SECONDS", ge=60, le=86400)
    refresh_token_ttl_seconds: int = Field(
        14 * 86400, alias="REFRESH_TOKEN_TTL_SECONDS", ge=300, le=90 * 86400
    )

    login_max_failures_per_account: int = Field(5, alias="LOGIN_MAX_FAILURES_PER_ACCOUNT", ge=1)
    login_max_failures_per_ip: int = Field(20, alias="LOGIN_MAX_FAILURES_PER_IP", ge=1)
    login_failure_window_seconds: int = Field(900, alias="LOGIN_FAILURE_WINDOW_SECONDS", ge=1)
    login_lockout_seconds: int = Field(900, alias="LOGIN_LOCKOUT_SECONDS", ge=1)

    max_request_body_bytes: int = Field(1_048_576, alias="MAX_REQUEST_BODY_BYTES", ge=1024)
    trusted_proxies: str = Field("127.0.0.1,::1", alias="TRUSTED_PROXIES")

    admin_email: str | None = Field(None, alias="COURZLY_ADMIN_EMAIL")
    admin_password: SecretStr | None = Field(None, alias="COURZLY_ADMIN_PASSWORD")

    # AI provider: any OpenAI-compatible server; without a key, the offline writer.
    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    model_outline: str = Field("gpt-4o-mini", alias="OPENAI_MODEL_OUTLINE")
    model_lesson: str = Field("gpt-4o-mini", alias="OPENAI_MODEL_LESSON")
    model_quiz: str = Field("gpt-4o-mini", alias="OPENAI_MODEL_QUIZ")
    model_chat: str = Field("gpt-4o-mini", alias="OPENAI_MODEL_CHAT")
    openai_temperature: float = Field(0.4, alias="OPENAI_TEMPERATURE", ge=0, le=2)
    openai_timeout_seconds: float = Field(120, alias="OPENAI_TIMEOUT_SECONDS", gt=0, le=3600)
    openai_max_retries: int = Field(4, alias="OPENAI_MAX_RETRIES", ge=0, le=20)
    # JSON: {"model": [USD per 1M prompt tokens, USD per 1M completion tokens]}
    ai_prices: str = Field(DEFAULT_AI_PRICES, alias="AI_PRICES")

    workflow_lesson_concurrency: int = Field(4, alias="WORKFLOW_LESSON_CONCURRENCY", ge=1, le=64)
    max_source_bytes: int = Field(500_000, alias="MAX_SOURCE_BYTES", ge=1024)
    worker_concurrency: int = Field(8, alias="WORKER_CONCURRENCY", ge=1, le=256)
    worker_heartbeat_seconds: int = Field(15, alias="WORKER_HEARTBEAT_SECONDS", ge=1, le=600)
    # Each worker process serves its metrics here (0: not served); Prometheus scrapes them.
    worker_metrics_port: int = Field(0, alias="WORKER_METRICS_PORT", ge=0, le=65535)
    worker_metrics_host: str = Field("127.0.0.1", alias="WORKER_METRICS_HOST")
    # Touched by a live worker (after a Redis ping); `courzly worker-health` reads its age.
    worker_health_file: Path = Field(
        Path("/tmp/courzly-worker.alive"),  # noqa: S108 - a tmpfs in the container
        alias="WORKER_HEALTH_FILE",
    )

    # Exports: files under EXPORTS_DIR, or in S3 when a bucket is named (boto3 reads the
    # usual AWS_* variables or the instance role for credentials and region).
    exports_dir: Path | None = Field(None, alias="EXPORTS_DIR")
    exports_s3_bucket: str | None = Field(None, alias="EXPORTS_S3_BUCKET")
    exports_s3_prefix: str = Field("exports/", alias="EXPORTS_S3_PREFIX")
    export_url_ttl_seconds: int = Field(300, alias="EXPORT_URL_TTL_SECONDS", ge=10, le=86400)

    # Course assets (lesson images): files under MEDIA_DIR, described in the database.
    media_dir: Path | None = Field(None, alias="MEDIA_DIR")
    max_asset_bytes: int = Field(5_000_000, alias="MAX_ASSET_BYTES", ge=1024)
    max_course_assets_bytes: int = Field(50_000_000, alias="MAX_COURSE_ASSETS_BYTES", ge=1024)
    # A Course JSON file to import: text plus every asset in base64 (4/3 of its size).
    max_import_bytes: int = Field(80_000_000, alias="MAX_IMPORT_BYTES", ge=1024)

    # Links in e-mails and the OAuth redirect are built on this address (see base_url).
    public_url: str | None = Field(None, alias="PUBLIC_URL")
    # Seals webhook secrets and Drive tokens at rest (AES-256-GCM); the previous key still
    # opens what it sealed, so a key can be rotated. Unset in development: generated once.
    encryption_key: SecretStr | None = Field(None, alias="ENCRYPTION_KEY")
    encryption_key_previous: SecretStr | None = Field(None, alias="ENCRYPTION_KEY_PREVIOUS")

    # Webhooks go to public addresses only, unless these CIDRs allow more (e.g. 10.0.0.0/8).
    webhook_allowed_networks: str = Field("", alias="WEBHOOK_ALLOWED_NETWORKS")

    # E-mail: without SMTP_HOST, notifications are logged, not sent.
    smtp_host: str | None = Field(None, alias="SMTP_HOST")
    smtp_port: int = Field(587, alias="SMTP_PORT", ge=1, le=65535)
    smtp_security: SmtpSecurity = Field(SmtpSecurity.STARTTLS, alias="SMTP_SECURITY")
    smtp_username: str | None = Field(None, alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(None, alias="SMTP_PASSWORD")
    smtp_from: str = Field("Courzly <courzly@localhost>", alias="SMTP_FROM")
    smtp_ca_file: Path | None = Field(None, alias="SMTP_CA_FILE")
    smtp_timeout_seconds: float = Field(30, alias="SMTP_TIMEOUT_SECONDS", gt=0, le=600)

    # Google Drive: an OAuth client of type "Web application" whose redirect URI is
    # PUBLIC_URL/api/v1/integrations/drive/callback. The URLs change only in tests.
    google_client_id: str | None = Field(None, alias="GOOGLE_CLIENT_ID")
    google_client_secret: SecretStr | None = Field(None, alias="GOOGLE_CLIENT_SECRET")
    google_auth_url: str = Field(
        "https://accounts.google.com/o/oauth2/v2/auth", alias="GOOGLE_AUTH_URL"
    )
    google_token_url: str = Field("https://oauth2.googleapis.com/token", alias="GOOGLE_TOKEN_URL")
    google_revoke_url: str = Field(
        "https://oauth2.googleapis.com/revoke", alias="GOOGLE_REVOKE_URL"
    )
    google_api_url: str = Field("https://www.googleapis.com", alias="GOOGLE_API_URL")

    # The built web app (`npm run build` in frontend/); served at / when the folder exists.
    web_app_dir: Path = Field(
        Path(__file__).resolve().parent.parent / "frontend" / "dist", alias="WEB_APP_DIR"
    )

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                ipaddress.ip_network(part)
            except ValueError as exc:
                raise ValueError(f"WEBHOOK_ALLOWED_NETWORKS: {exc}") from None
        return value

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def base_url(self) -> str:
        """Where users open the app: PUBLIC_URL, else the address `courzly run` serves."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def trusted_proxy_set(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def resolved_exports_dir(self) -> Path:
        return self.exports_dir or self.data_dir / "exports"

    @property
    def resolved_media_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def resolved_security_log_file(self) -> Path:
        return self.security_log_file or self.data_dir / "security.log"

    def jwt_secret_value(self) -> str:
        if self.jwt_secret is None:
            raise ConfigError("JWT_SECRET is not set")
        return self.jwt_secret.get_secret_value()


def secret_problem(secret: str | None) -> str | None:
    """Why a JWT secret is too weak to sign tokens in production, or None when it is fine."""
    if not secret:
        return "JWT_SECRET is missing"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters"
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if per_char * len(secret) < MIN_SECRET_ENTROPY_BITS or len(counts) < 10:
        return "JWT_SECRET looks guessable; generate one with `openssl rand -base64 48`"
    return None


def validate_for_startup(settings: Settings) -> None:
    """Refuse to start when production settings are unsafe."""
    if not settings.is_production:
        return
    secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    problem = secret_problem(secret)
    if problem:
        raise ConfigError(problem)
    if settings.database_url is None or settings.redis_url is None:
        raise ConfigError("production needs DATABASE_URL and REDIS_URL (no embedded services)")
    if settings.smtp_security is SmtpSecurity.NONE and settings.smtp_password is not None:
        raise ConfigError(
            "SMTP_SECURITY=none would send SMTP_PASSWORD in clear; use starttls or tls"
        )
    key = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    if key is None or len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"production needs ENCRYPTION_KEY, at least {MIN_SECRET_LENGTH} random characters"
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
