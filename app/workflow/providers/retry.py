"""When to retry a failed model call and how long to wait first."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import openai


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter; a server's Retry-After wins, within a cap.

    Jitter spreads the retries of many workers that failed together, so they do not hit
    a recovering server in lock-step.
    """

    base_seconds: float = 0.5
    cap_seconds: float = 20.0
    retry_after_cap_seconds: float = 60.0  # a longer wait is better spent failing the step

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (0 for the first retry)."""
        if retry_after is not None:
            wait = min(max(retry_after, 0.0), self.retry_after_cap_seconds)
            # Only add to the server's figure: waking earlier would just earn another 429.
            return wait + wait * 0.1 * random.random()  # noqa: S311 - jitter, not security
        ceiling = min(self.cap_seconds, self.base_seconds * 2**attempt)
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The server's requested wait: `retry-after-ms` (OpenAI), else `Retry-After` as
    seconds or an HTTP date. None when absent or unreadable."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(float(milliseconds) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def is_retryable_status(error: openai.APIStatusError) -> bool:
    # A 429 for an exhausted quota will not clear by waiting; fail the step at once.
    if error.status_code == 429:
        return error.code != "insufficient_quota"
    return error.status_code >= 500


def describe_status_error(error: openai.APIStatusError) -> str:
    """`HTTP 400: <the server's message>`, without the SDK's repr of the whole body."""
    body = error.body
    message = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {error.status_code}: {message if isinstance(message, str) else error.message}"
