"""A course document for the PDF, DOCX and EPUB tests: three lessons in two modules, one of
them using every element the sanitizer allows (rendered by the real sanitizer)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from app.exports.document import Asset, CourseDocument, CourseInfo, Lesson, Module
from app.exports.sanitize import lesson_html
from tests.exports.packages.sample import COURSE_ID, PIXEL_PNG, quiz_item

RICH_MARKDOWN = """\
# Getting started

Marker ALPHA with **bold**, *italic*, `inline code` and a [web link](https://example.org/docs);
a [relative link](/admin) stays text.

## Steps

- first step
  - nested step
- second step

1. number one
2. number two

Between the lists.

3. number three
4. number four

| Tool | Use |
|---|---|
| ladder | reach |

```sh
git add .
git commit
```

> Safety first.

![Diagram](assets/diagram.png)

### Details

Line one<br>line two
"""

# The lessons in reading order: (module, title, a marker that appears only in its body).
LESSONS = [
    ("Module One", "First lesson", "Marker ALPHA"),
    ("Module One", "Second lesson", "Marker BRAVO"),
    ("Module Two", "Third lesson", "Marker CHARLIE"),
]
# Headings inside the rich lesson, as the sanitizer renders them: (level, text).
RICH_HEADINGS = [(1, "Getting started"), (2, "Steps"), (3, "Details")]


def rich_html() -> str:
    return lesson_html("m1-l1", RICH_MARKDOWN, {"diagram.png"}).html


def rich_document(
    *, approved: bool = False, second_lesson_html: str | None = None, with_image: bool = True
) -> CourseDocument:
    """`second_lesson_html` replaces the second lesson's (for hostile or large content);
    without `with_image`, no lesson shows the image (the asset is still in the document)."""
    first_html = rich_html()
    if not with_image:
        first_html = first_html.replace('<img src="assets/diagram.png" alt="Diagram">', "")
    htmls = [
        first_html,
        second_lesson_html or "<p>Marker BRAVO, a plain lesson.</p>",
        "<h2>Branches</h2><p>Marker CHARLIE &amp; more.</p>",
    ]
    lessons = [
        Lesson(
            key=f"l{number}",
            title=title,
            objectives=[f"Objective of {title.lower()}"],
            markdown="(not used by these formats)",
            html=html,
        )
        for number, ((_, title, _marker), html) in enumerate(zip(LESSONS, htmls, strict=True), 1)
    ]
    modules = [
        Module(
            key="m1",
            title="Module One",
            summary="Setting up.",
            lessons=lessons[:2],
            quiz=[quiz_item(1, 1, 0, "l1"), quiz_item(1, 2, 1, "l2")],
        ),
        Module(
            key="m2",
            title="Module Two",
            summary="Using it.",
            lessons=lessons[2:],
            quiz=[quiz_item(2, 1, 2, "l3")],
        ),
    ]
    pixel = base64.b64encode(PIXEL_PNG).decode()
    return CourseDocument(
        exported_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        course=CourseInfo(
            id=COURSE_ID,
            title="Safe Ladders",
            slug="safe-ladders",
            language="en-GB",
            objectives=["Set up a ladder safely"],
            approved=approved,
        ),
        modules=modules,
        assets=[
            Asset(name="diagram.png", media_type="image/png", data_base64=pixel),
            Asset(name="spare.png", media_type="image/png", data_base64=pixel),
        ],
    )


def hostile_html(base_url: str) -> str:
    """Lesson HTML that never passed the sanitizer: every way HTML can make a renderer load
    a URL, pointing at `base_url` (a local server counting requests) or at a local file."""
    return (
        "<p>Marker BRAVO, a hostile lesson.</p>"
        f'<img src="{base_url}/img.png" alt="remote">'
        f'<link rel="stylesheet" href="{base_url}/link.css">'
        f'<style>@import url("{base_url}/import.css"); p {{ background: url("{base_url}/bg.png") }}'
        "</style>"
        f'<p style="background-image: url({base_url}/inline.png)">styled</p>'
        '<img src="file:///etc/passwd" alt="local file">'
        '<a rel="attachment" href="file:///etc/passwd">attachment</a>'
        f'<object data="{base_url}/object.png"></object><embed src="{base_url}/embed.png">'
        f'<iframe src="{base_url}/frame.html"></iframe>'
        f'<svg><image href="{base_url}/svg.png"/></svg>'
        f'<video poster="{base_url}/poster.png"></video>'
        '<img src="assets/../../../etc/passwd" alt="climbing">'
        "<script>document.write('scripted')</script>"
    )


def large_html(size: int = 2_000_000) -> str:
    """About `size` bytes of plain paragraphs: the sanitizer's limit for one lesson."""
    paragraph = "<p>" + "A branch is a movable pointer to a commit. " * 5 + "</p>\n"
    return paragraph * (size // len(paragraph))
