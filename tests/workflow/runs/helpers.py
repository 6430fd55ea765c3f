"""Driving runs through the API, as a client would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.workflow.briefs import make_brief

WAIT_SECONDS = 30.0


def brief_json(**overrides: Any) -> dict[str, Any]:
    return make_brief(**overrides).model_dump(mode="json")


class RunDriver:
    def __init__(self, client: httpx.AsyncClient, course_id: str) -> None:
        self.client, self.course_id = client, course_id
        self.base = f"/api/v1/courses/{course_id}/runs"

    async def start(self, headers: dict[str, str], **brief: Any) -> str:
        response = await self.client.post(
            self.base, json={"brief": brief_json(**brief)}, headers=headers
        )
        assert response.status_code == 202, response.text
        run_id: str = response.json()["id"]
        return run_id

    async def state(self, run_id: str, headers: dict[str, str]) -> dict[str, Any]:
        response = await self.client.get(f"{self.base}/{run_id}", headers=headers)
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state

    async def wait(
        self,
        run_id: str,
        headers: dict[str, str],
        until: Callable[[dict[str, Any]], bool],
        seconds: float = WAIT_SECONDS,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            state = await self.state(run_id, headers)
            if until(state):
                return state
            failed = state["run"]["status"] == "failed" and not until(state)
            if failed or time.monotonic() > deadline:
                raise AssertionError(f"run did not get there: {state['run']}")
            await asyncio.sleep(0.05)

    async def decide(
        self, run_id: str, gate_id: str, headers: dict[str, str], **body: Any
    ) -> httpx.Response:
        return await self.client.post(
            f"{self.base}/{run_id}/gates/{gate_id}/decision", json=body, headers=headers
        )


def pending(state: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        g
        for g in state["gates"]
        if g["status"] == "pending" and (kind is None or g["kind"] == kind)
    ]


def waiting_at(kind: str, count: int = 1) -> Callable[[dict[str, Any]], bool]:
    def check(state: dict[str, Any]) -> bool:
        return state["run"]["status"] == "waiting" and len(pending(state, kind)) >= count

    return check
