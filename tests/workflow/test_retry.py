"""Retry-After parsing and the backoff schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.workflow.providers.retry import Backoff, retry_after_seconds

NOW = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "Mon, 05 Jan 2026 12:00:07 GMT"}, 7.0),
        ({"retry-after": "Mon, 05 Jan 2026 11:00:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers, now=NOW) == expected


def test_retry_after_is_honoured_within_its_cap() -> None:
    backoff = Backoff(retry_after_cap_seconds=30)
    assert 1.0 <= backoff.delay(0, 1.0) <= 1.1
    assert 30.0 <= backoff.delay(3, 3600) <= 33.0


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    backoff = Backoff(base_seconds=1, cap_seconds=8)
    for attempt, ceiling in [(0, 1), (1, 2), (2, 4), (3, 8), (6, 8)]:
        delays = [backoff.delay(attempt, None) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1
