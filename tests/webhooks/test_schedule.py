"""The retry schedule and the switch-off rule of webhook endpoints."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.webhooks.schedule import DELAYS, JITTER, next_attempt, should_disable

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_retries_back_off_over_more_than_a_day_then_stop() -> None:
    fixed = random.Random(7)
    times = [next_attempt(n, NOW, fixed) for n in range(1, len(DELAYS) + 2)]
    assert times[-1] is None  # the attempts are used up
    waits = [when - NOW for when in times[:-1] if when is not None]
    assert list(DELAYS) == sorted(DELAYS)  # never shorter than the wait before
    assert waits[0] >= timedelta(seconds=5)
    assert sum(DELAYS, timedelta()) > timedelta(hours=24)
    for wait, base in zip(waits, DELAYS, strict=True):
        assert base <= wait <= base * (1 + JITTER)


def test_the_spread_differs_between_messages() -> None:
    spread = {next_attempt(4, NOW) for _ in range(20)}
    assert len(spread) > 1


def test_a_retry_needs_an_attempt_first() -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        next_attempt(0, NOW)


def test_an_endpoint_is_disabled_only_after_a_day_of_many_failures() -> None:
    assert not should_disable(None, 100, NOW)  # it succeeded last
    assert not should_disable(NOW - timedelta(hours=23), 100, NOW)  # not a day yet
    assert not should_disable(NOW - timedelta(days=3), 4, NOW)  # one message, slowly retried
    assert should_disable(NOW - timedelta(hours=24), 6, NOW)


def test_one_message_failing_alone_switches_its_endpoint_off_within_its_retries() -> None:
    """A quiet endpoint (a single message waiting) is switched off too, at the first
    failure past a day, before that message gives up."""
    at, attempts, switched_off_at = NOW, 1, None
    for delay in DELAYS:
        at, attempts = at + delay, attempts + 1
        if should_disable(NOW, attempts, at):
            switched_off_at = at
            break
    assert switched_off_at is not None
    assert timedelta(hours=24) <= switched_off_at - NOW < timedelta(hours=28)
