"""Structured JSON logs, one object per line, and the security log fail2ban reads."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from app.core.context import job_var, request_id_var, user_id_var

# Attributes every LogRecord has; anything else passed via `extra=` is emitted as a field.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's terminal-coloured copy of the message
}
_REDACTED = "[redacted]"


class JsonFormatter(logging.Formatter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if len(s) >= 6)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
            "user_id": getattr(record, "user_id", None) or user_id_var.get(),
        }
        if job := job_var.get():
            entry["job"] = job
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        line = orjson.dumps(entry, default=str).decode()
        return self._redact(line)

    def _redact(self, line: str) -> str:
        for secret in self._secrets:
            if secret in line:
                line = line.replace(secret, _REDACTED)
        return line


def configure_logging(level: str = "INFO", secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own access log would duplicate ours without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # httpx logs every request's URL at INFO: webhook URLs may carry a customer's token and
    # a Drive upload session's URL is its credential. Their failures are logged by us.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


# --- security log ---------------------------------------------------------------------------
# One fixed line per auth event, documented in docs/security-log.md for fail2ban:
#   2026-11-26T14:46:36Z courzly-security event=login_failed ip=203.0.113.7 user="a@b.c" ...
SECURITY_LOGGER = "courzly.security"


class SecurityLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{stamp} courzly-security {record.getMessage()}"


def configure_security_log(path: Path) -> None:
    """Send security events to their own file as well as to the JSON stream."""
    logger = logging.getLogger(SECURITY_LOGGER)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(SecurityLineFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def security_event(event: str, *, ip: str | None, user: str | None = None, **fields: str) -> None:
    parts = [f"event={event}", f"ip={ip or '-'}"]
    parts.append(f"user={orjson.dumps(user).decode() if user else '-'}")
    parts.extend(f"{key}={orjson.dumps(value).decode()}" for key, value in fields.items())
    parts.append(f"request_id={request_id_var.get() or '-'}")
    logging.getLogger(SECURITY_LOGGER).info(" ".join(parts), extra={"event": event})
