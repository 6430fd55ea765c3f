"""Lesson text to safe HTML: Markdown rendered, then cleaned by an allow-list (nh3, the
Ammonia sanitizer). Scripts, event handlers, `javascript:` URLs and styles are removed;
images must be course assets (`assets/<name>`), so no renderer ever fetches a remote URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

MAX_LESSON_BYTES = 2_000_000  # a lesson, as stored; far above a real lesson
ASSET_PREFIX = "assets/"

TAGS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote"),
    *("ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption"),
    *("strong", "em", "b", "i", "u", "s", "sub", "sup", "mark", "small", "abbr"),
    *("code", "pre", "kbd", "samp", "span", "div"),
    *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "code": {"class"},  # "language-python" from fenced code blocks
    "ol": {"start"},
    "abbr": {"title"},
}

_markdown = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


class LessonTooLarge(ValueError):
    pass


@dataclass
class Cleaned:
    html: str
    removed_images: list[str] = field(default_factory=list)  # why the text changed, for the log


def lesson_html(key: str, markdown: str, assets: set[str]) -> Cleaned:
    """Sanitized HTML for one lesson; raises LessonTooLarge with a message for the author."""
    size = len(markdown.encode())
    if size > MAX_LESSON_BYTES:
        raise LessonTooLarge(
            f"Lesson {key} is {size / 1_000_000:.1f} MB of text; the limit per lesson is "
            f"{MAX_LESSON_BYTES / 1_000_000:.0f} MB. Split it into several lessons."
        )
    cleaned = Cleaned(html="")

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            if value.startswith(ASSET_PREFIX) and value[len(ASSET_PREFIX) :] in assets:
                return value
            cleaned.removed_images.append(value[:200])
            return None
        if element == "code" and attribute == "class":
            return value if value.startswith("language-") else None
        return value

    cleaned.html = nh3.clean(
        _markdown.render(markdown),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=keep,
    )
    return cleaned
