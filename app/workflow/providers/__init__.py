"""Course writers: the AI provider when a key is configured, offline drafts otherwise."""

from __future__ import annotations

from app.config import Settings
from app.workflow.providers.base import CourseWriter


def writer_for(settings: Settings) -> CourseWriter:
    """OpenAIWriter whenever OPENAI_API_KEY is set (never silently offline then)."""
    if settings.openai_api_key is not None:
        from app.workflow.providers.openai_writer import OpenAIWriter

        return OpenAIWriter(settings)
    from app.workflow.providers.offline import OfflineWriter

    return OfflineWriter()


async def close_writer(writer: CourseWriter) -> None:
    """Releases a writer's HTTP connections. The protocol has no close method (test doubles
    need none), so this looks for the `aclose` both real writers have."""
    aclose = getattr(writer, "aclose", None)
    if aclose is not None:
        await aclose()
