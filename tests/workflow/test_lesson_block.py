"""The chat splitter hides a proposed lesson from the live stream however it is chunked."""

from __future__ import annotations

import random

import pytest

from app.workflow.providers.lesson_block import LessonBlockSplitter, SplitReply

ANSWERS = {
    "plain": ("Just an answer.\nTwo lines.", "Just an answer.\nTwo lines.", None),
    "edit": (
        "Shortened it.\n```lesson\n# Title\n\nBody.\n```\nLet me know.",
        "Shortened it.\nLet me know.",
        "# Title\n\nBody.",
    ),
    "nested code": (
        "Added code.\n\n```lesson\n# T\n```python\nprint(1)\n```\n~~~\n```\n~~~\nEnd.\n```\n",
        "Added code.",
        "# T\n```python\nprint(1)\n```\n~~~\n```\n~~~\nEnd.",
    ),
    "other fences stay": (
        "Try:\n```bash\ngit log\n```\nok",
        "Try:\n```bash\ngit log\n```\nok",
        None,
    ),
    "fence not at line start": (
        "Use a ```lesson block? No.",
        "Use a ```lesson block? No.",
        None,
    ),
    "last block wins": (
        "A\n```lesson\none\n```\nB\n```lesson\ntwo\n```",
        "A\nB",
        "two",
    ),
}


def split(chunks: list[str]) -> tuple[str, SplitReply]:
    splitter = LessonBlockSplitter()
    visible = "".join(splitter.feed(chunk) for chunk in chunks)
    tail, result = splitter.finish()
    return visible + tail, result


def random_chunks(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    chunks, start = [], 0
    while start < len(text):
        size = rng.randint(1, 7)
        chunks.append(text[start : start + size])
        start += size
    return chunks


@pytest.mark.parametrize("name", sorted(ANSWERS))
@pytest.mark.parametrize("seed", range(25))
def test_any_chunking_gives_the_same_split(name: str, seed: int) -> None:
    answer, reply, proposal = ANSWERS[name]

    visible, result = split(random_chunks(answer, seed))

    assert result.reply == reply
    assert result.proposed_content == proposal
    assert result.closed
    assert visible.strip() == reply
    if proposal:
        assert proposal.splitlines()[0] not in visible


def test_text_is_forwarded_before_its_line_ends() -> None:
    splitter = LessonBlockSplitter()
    assert splitter.feed("Hello wor") == "Hello wor"
    assert splitter.feed("ld\n``") == "ld\n"  # may still open the block: held back
    assert splitter.feed("`py") == "```py"  # cannot any more
    assert splitter.feed("thon\n") == "thon\n"


def test_unclosed_block_is_reported() -> None:
    visible, result = split(["Here:\n```lesson\n# Half"])
    assert visible == "Here:\n"
    assert (result.proposed_content, result.closed) == ("# Half", False)
