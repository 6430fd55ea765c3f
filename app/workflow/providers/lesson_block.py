"""Separates a proposed lesson (a ```lesson fenced block) from a streamed chat reply.

Fed chunk by chunk, it returns only the text the author should see live, so the full
replacement lesson is not streamed into the chat bubble. Line based: a line that may
still turn out to open the block is held back until its newline arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.workflow.prompts import LESSON_BLOCK_CLOSE, LESSON_BLOCK_OPEN

_FENCES = ("```", "~~~")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class SplitReply:
    reply: str
    proposed_content: str | None
    closed: bool  # False when the answer ended inside the block


class LessonBlockSplitter:
    def __init__(self) -> None:
        self._pending = ""  # the current, incomplete line
        self._pending_shown = False  # its start was already forwarded, so it is reply text
        self._inside = False
        self._code_fence: str | None = None  # an open code fence inside the lesson block
        self._reply: list[str] = []
        self._block: list[str] | None = None
        self._closed = False

    def feed(self, chunk: str) -> str:
        """Takes the next piece of the answer; returns what may be shown now."""
        visible: list[str] = []
        self._pending += chunk
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            visible.append(self._line(line + "\n", shown=self._pending_shown))
            self._pending_shown = False
        if (
            self._pending
            and not self._inside
            and (self._pending_shown or not self._may_open(self._pending))
        ):
            visible.append(self._pending)
            self._reply.append(self._pending)
            self._pending, self._pending_shown = "", True
        return "".join(visible)

    def finish(self) -> tuple[str, SplitReply]:
        """Ends the answer: the last visible text, and the reply split from its block."""
        tail = self._line(self._pending, shown=self._pending_shown) if self._pending else ""
        self._pending = ""
        block = None if self._block is None else "".join(self._block).strip("\n")
        closed = self._closed or self._block is None
        # The removed block leaves its blank lines on both sides behind.
        reply = _EXTRA_BLANK_LINES.sub("\n\n", "".join(self._reply)).strip()
        return tail, SplitReply(reply, block or None, closed)

    @staticmethod
    def _may_open(partial: str) -> bool:
        start = partial.lstrip()
        return LESSON_BLOCK_OPEN.startswith(start) or start.startswith(LESSON_BLOCK_OPEN)

    def _line(self, line: str, *, shown: bool) -> str:
        stripped = line.strip()
        if not self._inside:
            if not shown and stripped == LESSON_BLOCK_OPEN:
                # A later block replaces an earlier one: the last proposal is the answer.
                self._inside, self._block, self._closed = True, [], False
                self._code_fence = None
                return ""
            self._reply.append(line)
            return line
        assert self._block is not None
        if self._code_fence is None:
            if stripped == LESSON_BLOCK_CLOSE:
                self._inside, self._closed = False, True
                return ""
            if stripped.startswith(_FENCES):
                self._code_fence = stripped[:3]
        elif stripped == self._code_fence:
            self._code_fence = None
        self._block.append(line)
        return ""
