"""Alertmanager's configuration from MonitoringSettings: routes by severity, grouping,
inhibition, and the e-mail and webhook receivers that are configured.

critical -> "page": e-mail and webhook, repeated every hour while it lasts.
warning  -> "ticket": the webhook when there is one (else e-mail), repeated every 4 hours.
With no receiver configured the notices go nowhere, and `courzly monitoring-config` says so.
"""

from __future__ import annotations

from typing import Any

from app.monitoring.config import MonitoringSettings

PAGE, TICKET = "page", "ticket"

INHIBIT_RULES: list[dict[str, Any]] = [
    # A host that is down explains every other alert about it.
    {
        "source_matchers": ['alertname="HostDown"'],
        "target_matchers": ['alertname!="HostDown"'],
        "equal": ["host"],
    },
    # A target that is down silences the warnings about the same target.
    {
        "source_matchers": ['alertname="TargetDown"'],
        "target_matchers": ['severity="warning"'],
        "equal": ["job", "instance"],
    },
    # A fast burn of an SLO's budget says all the slow burn would.
    {
        "source_matchers": ['severity="critical"', 'slo=~".+"'],
        "target_matchers": ['severity="warning"'],
        "equal": ["slo"],
    },
]


def _email(settings: MonitoringSettings) -> dict[str, Any] | None:
    if not (settings.alert_email_to and settings.alert_smtp_smarthost):
        return None
    config: dict[str, Any] = {
        "to": settings.alert_email_to,
        "from": settings.alert_email_from,
        "smarthost": settings.alert_smtp_smarthost,
        "require_tls": settings.alert_smtp_require_tls,
        "send_resolved": True,
    }
    if settings.alert_smtp_username:
        config["auth_username"] = settings.alert_smtp_username
    if settings.alert_smtp_password:
        config["auth_password"] = settings.alert_smtp_password.get_secret_value()
    return config


def _webhook(settings: MonitoringSettings) -> dict[str, Any] | None:
    if settings.alert_webhook_url is None:
        return None
    return {
        "url": settings.alert_webhook_url.get_secret_value(),
        "send_resolved": True,
        "max_alerts": 50,  # a storm still fits in one request body
    }


def _receiver(
    name: str, email: dict[str, Any] | None, webhook: dict[str, Any] | None
) -> dict[str, Any]:
    receiver: dict[str, Any] = {"name": name}
    if email:
        receiver["email_configs"] = [dict(email)]  # copies: the YAML holds no anchors
    if webhook:
        receiver["webhook_configs"] = [dict(webhook)]
    return receiver


def has_receivers(settings: MonitoringSettings) -> bool:
    return _email(settings) is not None or _webhook(settings) is not None


def alertmanager_config(settings: MonitoringSettings) -> dict[str, Any]:
    email, webhook = _email(settings), _webhook(settings)
    return {
        "route": {
            "receiver": TICKET,
            "group_by": ["alertname", "host", "job"],
            "group_wait": settings.alert_group_wait,
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": [
                {"matchers": ['severity="critical"'], "receiver": PAGE, "repeat_interval": "1h"},
                {"matchers": ['severity="warning"'], "receiver": TICKET},
            ],
        },
        "inhibit_rules": INHIBIT_RULES,
        "receivers": [
            _receiver(PAGE, email, webhook),
            _receiver(TICKET, None if webhook else email, webhook),
        ],
    }
