from __future__ import annotations

from app.core.errors import CourzlyError


class RunCancelled(Exception):
    """Raised inside a node when the run was cancelled; the worker stops the run quietly."""


class RunNotFound(CourzlyError):
    status_code = 404
    error = "run_not_found"
    default_detail = "No such workflow run on this course."


class GateNotFound(CourzlyError):
    status_code = 404
    error = "gate_not_found"
    default_detail = "No such review gate."


class GateNotPending(CourzlyError):
    status_code = 409
    error = "gate_not_pending"
    default_detail = "This review gate is not waiting for a decision."


class RunAlreadyActive(CourzlyError):
    status_code = 409
    error = "run_active"
    default_detail = (
        "This course already has an active workflow run; cancel it or wait for it to end."
    )


class RunBusy(CourzlyError):
    status_code = 409
    error = "run_busy"
    default_detail = "This run is in the middle of a step; try again in a moment."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class RunFinished(CourzlyError):
    status_code = 409
    error = "run_finished"
    default_detail = "This run has ended."


class InvalidDecision(CourzlyError):
    status_code = 422
    error = "invalid_decision"
    default_detail = "The decision does not fit this gate."


class SourceTooLarge(CourzlyError):
    status_code = 413
    error = "source_too_large"
    default_detail = "The source material is too large."


class UnsupportedSource(CourzlyError):
    status_code = 415
    error = "unsupported_source"
    default_detail = "Source material must be a .md, .txt or .pdf file."


class CheckpointNotFound(CourzlyError):
    status_code = 404
    error = "checkpoint_not_found"
    default_detail = "No such checkpoint in this run's history."
