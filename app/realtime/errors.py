from __future__ import annotations

from app.core.errors import BadRequest, CourzlyError


class ServiceUnavailable(CourzlyError):
    status_code = 503
    error = "service_unavailable"
    default_detail = "A required service is unavailable; try again shortly."


class AfterSeqAhead(BadRequest):
    error = "after_seq_ahead"

    def __init__(self, after_seq: int, head: int) -> None:
        super().__init__(
            f"after_seq {after_seq} is past the newest event ({head}) of this course; "
            f"your copy is from another history: reload and subscribe with after_seq <= {head}.",
            extra={"head": head},
        )
