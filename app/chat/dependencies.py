from __future__ import annotations

from typing import Any

from app.core.jobs import JobQueue


def job_queue(state: Any) -> JobQueue:
    """The app's job queue (app.state.jobs); made on first use if the app has none yet."""
    jobs: JobQueue | None = getattr(state, "jobs", None)
    if jobs is None:
        jobs = JobQueue(state.settings)
        state.jobs = jobs
    return jobs
