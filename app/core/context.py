"""Per-request (or per-job) values that every log line carries."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("user_id", default=None)
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)
job_var: ContextVar[str | None] = ContextVar("job", default=None)  # the worker's job name
