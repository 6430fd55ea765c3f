"""When a failed delivery is tried again, and when an endpoint is switched off.

Retries back off exponentially over more than a day (the schedule Standard Webhooks
senders use), each delay spread by up to a tenth so endpoints recovering from an outage
are not hit by every queued message at once. An endpoint that has failed without a single
success for a day, across many attempts, is disabled and its owner told."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

# After the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (27 h 35 min in all).
DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER = 0.1
FAILING_FOR = timedelta(hours=24)
# Enough attempts that it is not one slow answer; one message alone reaches it within its
# schedule, so a quiet endpoint is switched off too (about 27 hours after it began failing).
FAILED_ATTEMPTS = 6


def next_attempt(
    attempts_made: int, now: datetime, spread: random.Random | None = None
) -> datetime | None:
    """When to try again after `attempts_made` failed attempts; None once they are used up."""
    if attempts_made < 1:
        raise ValueError("a retry follows at least one attempt")
    if attempts_made > len(DELAYS):
        return None
    delay = DELAYS[attempts_made - 1]
    jitter = (spread or random.Random()).uniform(0, JITTER)  # noqa: S311 - timing, not secrets
    return now + delay * (1 + jitter)


def should_disable(failing_since: datetime | None, failed_attempts: int, now: datetime) -> bool:
    """Failing without a success since `failing_since` for a day, over enough attempts that
    it is not one slow message."""
    if failing_since is None:
        return False
    return now - failing_since >= FAILING_FOR and failed_attempts >= FAILED_ATTEMPTS
