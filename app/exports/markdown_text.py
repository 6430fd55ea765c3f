"""Lesson Markdown made safe to hand out as Markdown: raw HTML (blocks and inline tags) is
dropped, code is kept as written. A Markdown viewer would otherwise run what HTML does."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# Link targets that run code or smuggle content when a viewer follows them.
_UNSAFE_TARGET = re.compile(
    r"\]\(\s*<?\s*(?:javascript|vbscript|data)\s*:(?:[^()]|\([^()]*\))*\)", re.IGNORECASE
)


def _neutralised(text: str) -> str:
    return _UNSAFE_TARGET.sub("](#removed-link)", _TAG.sub("", text))


def _without_tags(line: str) -> str:
    """Remove inline tags and unsafe link targets outside code spans."""
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(_neutralised(line[last : span.start()]))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_neutralised(line[last:]))
    return "".join(parts)


def safe_markdown(markdown: str) -> str:
    lines = markdown.splitlines()
    verbatim: set[int] = set()  # code blocks: kept exactly
    dropped: set[int] = set()  # raw HTML blocks
    for token in _parser.parse(markdown):
        if token.map is None:
            continue
        rows = set(range(*token.map))
        if token.type in ("fence", "code_block"):
            verbatim |= rows
        elif token.type == "html_block":
            dropped |= rows
    kept = [
        line if n in verbatim else _without_tags(line)
        for n, line in enumerate(lines)
        if n not in dropped
    ]
    return "\n".join(kept) + ("\n" if markdown.endswith("\n") else "")
