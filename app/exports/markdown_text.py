"""Lesson Markdown made safe to hand out as Markdown: raw HTML (blocks and inline tags) is
dropped, code is kept as written. A Markdown viewer would otherwise run what HTML does.

Images stay only when they are course assets, written as Markdown images pointing into the
zip (an `<img>` tag becomes one); any other image leaves its alt text, so a viewer never
loads a remote URL."""

from __future__ import annotations

import re
from collections.abc import Container

from markdown_it import MarkdownIt

from app.exports.sanitize import ASSET_PREFIX

_parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# Link targets that run code or smuggle content when a viewer follows them.
_UNSAFE_TARGET = re.compile(
    r"\]\(\s*<?\s*(?:javascript|vbscript|data)\s*:(?:[^()]|\([^()]*\))*\)", re.IGNORECASE
)


_MARKDOWN_IMAGE = re.compile(
    r"!\[([^\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_IMG_TAG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


class _Images:
    """Rewrites image references for a page whose assets live at `base` (`../assets/`)."""

    def __init__(self, assets: Container[str], base: str) -> None:
        self.assets, self.base = assets, base

    def _image(self, alt: str, src: str) -> str:
        alt = alt.replace("[", "").replace("]", "")
        name = src[len(ASSET_PREFIX) :] if src.startswith(ASSET_PREFIX) else None
        if name is not None and name in self.assets:
            return f"![{alt}]({self.base}{name})"
        return alt

    def _from_tag(self, tag: str) -> str:
        found = {
            m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTRIBUTE.finditer(tag)
        }
        return self._image(found.get("alt", ""), found.get("src", ""))

    def rewrite(self, text: str) -> str:
        """Markdown images first: the tags' replacements are already rewritten."""
        text = _MARKDOWN_IMAGE.sub(lambda m: self._image(m.group(1), m.group(2)), text)
        return _IMG_TAG.sub(lambda m: self._from_tag(m.group(0)), text)

    def only_images(self, line: str) -> str:
        """What survives of a raw HTML line: its course images."""
        kept = (self._from_tag(tag) for tag in _IMG_TAG.findall(line))
        return " ".join(image for image in kept if image.startswith("!["))


def _neutralised(text: str, images: _Images) -> str:
    return _UNSAFE_TARGET.sub("](#removed-link)", _TAG.sub("", images.rewrite(text)))


def _without_tags(line: str, images: _Images) -> str:
    """Remove inline tags and unsafe link targets outside code spans."""
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(_neutralised(line[last : span.start()], images))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_neutralised(line[last:], images))
    return "".join(parts)


def safe_markdown(markdown: str, assets: Container[str] = (), asset_base: str = "") -> str:
    """`assets`: the course's asset names; `asset_base`: where they are from this page."""
    images = _Images(assets, asset_base)
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
    kept = []
    for n, line in enumerate(lines):
        if n in verbatim:
            kept.append(line)
        elif n not in dropped:
            kept.append(_without_tags(line, images))
        elif found := images.only_images(line):
            kept.append(found)
    return "\n".join(kept) + ("\n" if markdown.endswith("\n") else "")
