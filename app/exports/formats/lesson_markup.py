"""Lesson HTML rebuilt for a format that embeds it (EPUB as XHTML, PDF as print HTML).

Lesson HTML is sanitized already, but reading systems parse XHTML as XML, epubcheck wants
it valid, and a renderer that can fetch URLs should get none to fetch. So the lesson is
re-parsed (html_tree) and only the sanitizer's elements and attributes are kept, with
values their type allows; headings move down below the format's own lesson heading;
links go only to the web or mail; an image is kept only when the format carries that
asset, anything else becomes its alt text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.exports.formats.course_images import asset_name
from app.exports.formats.html_tree import append_text, link_target, parse_fragment
from app.exports.sanitize import ATTRIBUTES, TAGS

HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_NUMBER = re.compile(r"[0-9]{1,5}")
# Values an attribute must match in full to be kept (HTML's types for them).
_CHECKS = {
    "start": _NUMBER,
    "colspan": re.compile(r"[1-9][0-9]{0,2}"),
    "rowspan": _NUMBER,
    "width": _NUMBER,
    "height": _NUMBER,
    "scope": re.compile(r"row|col|rowgroup|colgroup"),
    "class": re.compile(r"language-[A-Za-z0-9_+#.-]+"),
}


def lesson_body(html: str, images: set[str], heading_shift: int) -> tuple[ET.Element, set[str]]:
    """The lesson as a `<div class="lesson-body">`, and the names of the images it shows.
    `images` are the asset names the format carries; `<h1>` becomes `h<1 + heading_shift>`
    (at most `<h6>`)."""
    cleaner = _Cleaner(images, heading_shift)
    body = ET.Element("div", {"class": "lesson-body"})
    cleaner.children(parse_fragment(html), body)
    return body, cleaner.used


class _Cleaner:
    def __init__(self, images: set[str], heading_shift: int) -> None:
        self._images = images
        self._heading_shift = heading_shift
        self.used: set[str] = set()

    def children(self, source: ET.Element, target: ET.Element) -> None:
        append_text(target, source.text or "")
        for child in source:
            self.element(child, target)
            append_text(target, child.tail or "")

    def element(self, source: ET.Element, target: ET.Element) -> None:
        tag = source.tag
        if tag not in TAGS:
            self.children(source, target)  # unknown element: keep its content only
            return
        if tag == "img":
            self.image(source, target)
            return
        if tag in HEADINGS:
            tag = f"h{min(int(tag[1]) + self._heading_shift, 6)}"
        copy = ET.SubElement(target, tag, self.attributes(source))
        self.children(source, copy)

    def attributes(self, source: ET.Element) -> dict[str, str]:
        allowed = ATTRIBUTES.get(source.tag, set())
        kept: dict[str, str] = {}
        for name, value in source.attrib.items():
            if name not in allowed or name == "src":
                continue
            if name == "href":
                target = link_target(value)
                if target is not None:
                    kept[name] = target
                continue
            check = _CHECKS.get(name)
            if check is None or check.fullmatch(value):
                kept[name] = value
        return kept

    def image(self, source: ET.Element, target: ET.Element) -> None:
        alt = " ".join(source.get("alt", "").split())
        name = asset_name(source.get("src", ""))
        if name is None or name not in self._images:
            placeholder = f"[image: {alt}]" if alt else "[image]"
            ET.SubElement(target, "span", {"class": "missing-image"}).text = placeholder
            return
        self.used.add(name)
        # `alt` is required in XHTML; the cleaned attributes may carry its original spacing.
        attributes = {**self.attributes(source), "src": f"assets/{name}", "alt": alt}
        ET.SubElement(target, "img", attributes)
