"""Lesson HTML as an ElementTree, for formats that walk it (DOCX) or write it out as XML (EPUB).

The HTML is sanitized already, but a document can also come from an imported file, so the
parser accepts anything without failing: unmatched end tags are ignored, contents of
elements that never show (script, style ...) are dropped, nesting is capped (walkers
recurse), and names or characters that XML cannot hold are left out. It never fetches.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Whatever these hold is never shown as text.
HIDDEN = frozenset(
    {"script", "style", "template", "iframe", "object", "noscript", "svg", "math", "head"}
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
MAX_DEPTH = 64  # deeper elements are unwrapped: their content stays, their nesting does not

_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML_CHAR.sub("", text)


def parse_fragment(html: str) -> ET.Element:
    """The elements of `html` under a `<div>` root."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def link_target(href: str | None) -> str | None:
    """`href` when a document may link to it: a web or mail address (no relative link,
    which would point into the exported file, and no other scheme)."""
    if not href:
        return None
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in LINK_SCHEMES else None


def append_text(parent: ET.Element, text: str) -> None:
    """Add `text` after the last child of `parent` (or as its text), as HTML would."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("div")
        self._open: list[ET.Element] = [self.root]
        self._hidden: list[str] = []  # open elements whose content is dropped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden:
            if tag in HIDDEN:
                self._hidden.append(tag)
            return
        if tag in HIDDEN:
            self._hidden.append(tag)
            return
        if not _XML_NAME.match(tag) or len(self._open) > MAX_DEPTH:
            return  # unwrapped: its text and children land in the current element
        attributes = {name: xml_text(value or "") for name, value in attrs if _XML_NAME.match(name)}
        element = ET.SubElement(self._open[-1], tag, attributes)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<br/>` and friends; a self-closed non-void element (`<p/>`) is simply empty.
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            if tag == self._hidden[-1]:
                self._hidden.pop()
            return
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            append_text(self._open[-1], xml_text(data))
