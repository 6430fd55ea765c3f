from __future__ import annotations

from app.chat.models import LessonSuggestion
from app.core.errors import Conflict, NotFound, VersionConflict


class SuggestionNotFound(NotFound):
    default_detail = "No such suggestion in this course."


class SuggestionDecided(Conflict):
    error = "suggestion_decided"

    def __init__(self, suggestion: LessonSuggestion) -> None:
        when = f" at {suggestion.decided_at:%Y-%m-%d %H:%M} UTC" if suggestion.decided_at else ""
        super().__init__(
            f"This suggestion was already {suggestion.status.value}{when}; "
            "a suggestion is decided once.",
            extra={"suggestion_status": suggestion.status.value},
        )


class SuggestionOutdated(VersionConflict):
    error = "suggestion_outdated"

    def __init__(self, base_version: int, current_version: int) -> None:
        super().__init__(current_version)
        self.detail = (
            f"The lesson changed since this suggestion was made: it was written against "
            f"version {base_version} and the lesson is now at version {current_version}. "
            "Ask the assistant again about the current text."
        )
        self.extra["base_version"] = base_version
