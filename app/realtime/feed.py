"""The courses feed, as a socket sees it: notices of the courses it may read.

The feed itself (what goes on it, its channel) is in `events`, next to publishing. Notices
carry no seq and nothing is replayed: a watcher whose Redis subscription was restored, or
that reconnects, is told to fetch its lists again instead. A socket sees every course with
an organisation-wide role, its memberships otherwise (read when it starts watching and on
every token renewal).
"""

from __future__ import annotations

from app.realtime import protocol
from app.realtime.connection import Connection

RESYNC = "feed.resync"  # sent to watchers when notices may have been missed


class FeedWatch:
    """One socket's place on the feed: a hub listener that passes on what it may see."""

    def __init__(self, connection: Connection, everything: bool, courses: set[str]) -> None:
        self.connection = connection
        self.everything = everything
        self.courses = courses

    def wants(self, course_id: str) -> bool:
        return self.everything or course_id in self.courses

    def offer(self, seq: int, frame: str) -> None:
        """Never called: the feed channel carries notices, not events."""

    def notice(self, frame: str) -> None:
        self.connection.send(frame)

    def resync(self) -> None:
        # The hub lost Redis for a while: notices may be gone, so lists must be fetched.
        self.connection.send(protocol.frame(RESYNC))
