"""The workflow benchmark's client: the API calls a reviewer's browser makes, every answer
that is not 2xx counted (and kept, to print a few)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench.serving import BenchError

API = "/api/v1"
PAGE_SIZE = 100  # the API's largest page
EVENTS_PAGE = 500  # the event log's largest page
# One request per tick: fine-grained enough for phases of seconds, light enough not to
# compete with the workers for the CPU.
POLL_SECONDS = 0.05


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.errors: list[str] = []  # "METHOD path: status body", one per non-2xx answer

    async def call(self, method: str, path: str, body: Any = None) -> Any | None:
        """The JSON answer, or None (counted in `errors`) when the status is not 2xx."""
        response = await self.client.request(method, f"{API}{path}", json=body)
        if not response.is_success:
            self.errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
            return None
        return response.json()

    async def must(self, method: str, path: str, body: Any = None) -> Any:
        answer = await self.call(method, path, body)
        if answer is None:
            raise BenchError(self.errors[-1])
        return answer

    async def course_ids(self, count: int) -> list[str]:
        """The seeded courses, oldest first (bench/seed.py creates them a minute apart)."""
        ids: list[str] = []
        page = 1
        while len(ids) < count:
            answer = await self.must(
                "GET", f"/courses?page={page}&page_size={PAGE_SIZE}&sort=created_at"
            )
            ids += [item["id"] for item in answer["items"]]
            if len(answer["items"]) < PAGE_SIZE:
                break
            page += 1
        if len(ids) < count:
            raise BenchError(f"{count} courses needed, {len(ids)} seeded")
        return ids[:count]

    async def start_run(self, course_id: str, brief: dict[str, Any]) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = await self.call(
            "POST", f"/courses/{course_id}/runs", {"brief": brief}
        )
        return answer

    async def run_state(self, course_id: str, run_id: str) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = await self.call(
            "GET", f"/courses/{course_id}/runs/{run_id}"
        )
        return answer

    async def approve(self, course_id: str, run_id: str, gate_id: str) -> None:
        path = f"/courses/{course_id}/runs/{run_id}/gates/{gate_id}/decision"
        await self.must("POST", path, {"decision": "approve"})

    async def pending_total(self, kind: str, course_id: str | None = None) -> int:
        """How many gates of a kind wait in the reviewers' queue: one small page."""
        answer = await self.must("GET", _queue(kind, course_id, page=1, page_size=1))
        total: int = answer["total"]
        return total

    async def pending_gates(self, kind: str, course_id: str | None = None) -> list[dict[str, Any]]:
        gates: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = await self.must("GET", _queue(kind, course_id, page, PAGE_SIZE))
            gates += answer["items"]
            if len(gates) >= answer["total"] or not answer["items"]:
                return gates
            page += 1

    async def events(self, course_id: str) -> list[dict[str, Any]]:
        """The course's whole event log, oldest first."""
        events: list[dict[str, Any]] = []
        after = 0
        while True:
            answer = await self.must(
                "GET", f"/courses/{course_id}/events?after_seq={after}&limit={EVENTS_PAGE}"
            )
            events += answer["items"]
            if not answer["items"]:
                return events
            after = answer["next_after_seq"]


def _queue(kind: str, course_id: str | None, page: int, page_size: int) -> str:
    path = f"/reviews/pending?kind={kind}&page={page}&page_size={page_size}"
    return path + (f"&course_id={course_id}" if course_id else "")


async def poll(
    done: Callable[[], Awaitable[bool]],
    max_wait: float,
    check: Callable[[], Awaitable[None]] | None = None,
    check_every: float = 1.0,
) -> float | None:
    """Wait until `done()`; return the monotonic time it first said so, or None after
    `max_wait` seconds. `check` (to stop early, say on a failed run) runs every `check_every`
    seconds."""
    deadline = time.monotonic() + max_wait
    next_check = time.monotonic() + check_every
    while not await done():
        now = time.monotonic()
        if now > deadline:
            return None
        if check is not None and now >= next_check:
            await check()
            next_check = now + check_every
        await asyncio.sleep(POLL_SECONDS)
    return time.monotonic()
