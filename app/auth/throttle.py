"""Login throttling in Redis: failure counters per account and per IP, then a timed lockout."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis

from app.core.redis import Keys


@dataclass(frozen=True)
class ThrottleLimits:
    max_per_account: int
    max_per_ip: int
    window_seconds: int
    lockout_seconds: int


def _account_key(email: str) -> str:
    # Hashed so the keyspace does not list every e-mail anyone ever typed.
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


class LoginThrottle:
    def __init__(self, redis: Redis, keys: Keys, limits: ThrottleLimits) -> None:
        self.redis = redis
        self.keys = keys
        self.limits = limits

    def _subjects(self, email: str, ip: str | None) -> list[tuple[str, int]]:
        subjects = [(f"account:{_account_key(email)}", self.limits.max_per_account)]
        if ip:
            subjects.append((f"ip:{ip}", self.limits.max_per_ip))
        return subjects

    async def locked_for(self, email: str, ip: str | None) -> int:
        """Seconds until the account or IP may try again; 0 when not locked."""
        pipe = self.redis.pipeline(transaction=False)
        for subject, _ in self._subjects(email, ip):
            pipe.ttl(self.keys("lock", subject))
        ttls = await pipe.execute()
        return max([0, *(int(t) for t in ttls if int(t) > 0)])

    async def record_failure(self, email: str, ip: str | None) -> list[str]:
        """Count a failure; returns the subjects ("account", "ip") this failure locked."""
        subjects = self._subjects(email, ip)
        pipe = self.redis.pipeline(transaction=True)
        for subject, _ in subjects:
            key = self.keys("fail", subject)
            pipe.incr(key)
            pipe.expire(key, self.limits.window_seconds, nx=True)
        counts = (await pipe.execute())[::2]
        locked = []
        for (subject, limit), count in zip(subjects, counts, strict=True):
            if int(count) >= limit:
                lock = self.redis.pipeline(transaction=True)
                lock.set(self.keys("lock", subject), "1", ex=self.limits.lockout_seconds)
                lock.delete(self.keys("fail", subject))
                await lock.execute()
                locked.append(subject.split(":", 1)[0])
        return locked

    async def record_success(self, email: str) -> None:
        await self.redis.delete(self.keys("fail", f"account:{_account_key(email)}"))
