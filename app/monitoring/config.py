"""Where alerts go and what the blackbox probe checks: ops settings, read from the same
environment file as the app's (docs/operations.md, "Alerts")."""

from __future__ import annotations

from pydantic import AnyHttpUrl, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MonitoringSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # The public base URL users open (https://courzly.example): probed at /healthz.
    public_url: AnyHttpUrl | None = Field(None, alias="PUBLIC_URL")
    # E-mail: every alert, critical ones repeated hourly.
    alert_email_to: str | None = Field(None, alias="ALERT_EMAIL_TO")
    alert_email_from: str = Field("alertmanager@localhost", alias="ALERT_EMAIL_FROM")
    alert_smtp_smarthost: str | None = Field(None, alias="ALERT_SMTP_SMARTHOST")  # host:port
    alert_smtp_username: str | None = Field(None, alias="ALERT_SMTP_USERNAME")
    alert_smtp_password: SecretStr | None = Field(None, alias="ALERT_SMTP_PASSWORD")
    alert_smtp_require_tls: bool = Field(True, alias="ALERT_SMTP_REQUIRE_TLS")
    # A webhook (chat, paging or ticket system); its URL often holds a token.
    alert_webhook_url: SecretStr | None = Field(None, alias="ALERT_WEBHOOK_URL")
    # How long Alertmanager gathers alerts of a group before the first notice.
    alert_group_wait: str = Field("30s", alias="ALERT_GROUP_WAIT", pattern=r"^\d+[smh]$")
