"""The HTML pages of a package: one per lesson, one per module quiz, all self-contained.

Lesson `html` is sanitized upstream and inserted as is; every other text is escaped here.
Pages load only files of the package (stylesheet, scripts, `assets/`), never a remote URL.
"""

from __future__ import annotations

import json
from html import escape
from typing import Literal

from app.exports.document import CourseDocument
from app.exports.packages.files import DRAFT_NOTICE, draft_title
from app.exports.packages.layout import PAGE_SCRIPT_PATH, PASSING_SCORE, STYLESHEET_PATH, Unit

Tracking = Literal["scorm12", "scorm2004", "cmi5"]

TRACKER_SCRIPTS: dict[Tracking, str] = {
    "scorm12": "courzly-scorm.js",
    "scorm2004": "courzly-scorm.js",
    "cmi5": "courzly-cmi5.js",
}

STYLESHEET = """\
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 48rem;
  padding: 1rem 1.5rem 3rem; color: #1f2328; }
img { max-width: 100%; height: auto; }
.courzly-draft { background: #fff4ce; border: 2px solid #bf8700; padding: .5rem 1rem;
  font-weight: 600; }
.courzly-course { color: #59636e; margin-bottom: 0; }
.courzly-item { border: 1px solid #d1d9e0; border-radius: 6px; margin: 1rem 0; padding: 1rem; }
.courzly-item label { display: block; margin: .25rem 0; }
.courzly-feedback { background: #f6f8fa; padding: .5rem; }
.courzly-correct { border-color: #1a7f37; }
.courzly-incorrect { border-color: #cf222e; }
button { font-size: 1rem; padding: .5rem 1rem; }
"""


def lesson_page(document: CourseDocument, unit: Unit, tracking: Tracking | None) -> bytes:
    """A lesson page; with `tracking`, a button reports completion to the LMS and finishes."""
    if unit.lesson is None:
        raise ValueError(f"{unit.key} is not a lesson")
    body = [
        _objectives(unit.lesson.objectives),
        f'<article class="courzly-lesson">\n{unit.lesson.html}\n</article>',
    ]
    if tracking:
        body.append(
            '<footer><button type="button" id="courzly-finish">Mark lesson complete</button>'
            '<p id="courzly-status" role="status"></p></footer>'
        )
    return _page(document, unit, tracking, "\n".join(body))


def quiz_page(document: CourseDocument, unit: Unit, tracking: Tracking) -> bytes:
    """A scored quiz: radios rendered here, scoring and reporting done by the page script."""
    items = []
    for number, item in enumerate(unit.quiz):
        choices = "\n".join(
            f'<label><input type="radio" name="q{number}" value="{index}" required> '
            f"{escape(choice)}</label>"
            for index, choice in enumerate(item.choices)
        )
        items.append(
            f'<fieldset class="courzly-item" data-item="{number}">\n'
            f"<legend>{number + 1}. {escape(item.question)}</legend>\n{choices}\n"
            f'<p class="courzly-feedback" hidden>{escape(item.rationale)}</p>\n</fieldset>'
        )
    # Only integers go into the inline JSON, so no text can close the script element.
    key = json.dumps({"passing": PASSING_SCORE, "answers": [i.answer_index for i in unit.quiz]})
    body = "\n".join(
        [
            _objectives(list(dict.fromkeys(item.objective for item in unit.quiz))),
            f"<p>Answer every question; {round(PASSING_SCORE * 100)}% correct passes.</p>",
            '<form id="courzly-quiz">',
            *items,
            '<button type="submit">Submit answers</button>',
            "</form>",
            '<button type="button" id="courzly-retry" hidden>Try again</button>',
            '<p id="courzly-status" role="status"></p>',
            f'<script type="application/json" id="courzly-answer-key">{key}</script>',
        ]
    )
    return _page(document, unit, tracking, body)


def page_files(tracking: Tracking | None) -> list[str]:
    """The shared files a page of this tracking kind loads besides itself and its assets."""
    if tracking is None:
        return [STYLESHEET_PATH]
    return sorted({STYLESHEET_PATH, PAGE_SCRIPT_PATH, TRACKER_SCRIPTS[tracking]})


def _objectives(objectives: list[str]) -> str:
    if not objectives:
        return ""
    entries = "".join(f"<li>{escape(objective)}</li>" for objective in objectives)
    return f'<section class="courzly-objectives"><h2>Objectives</h2><ul>{entries}</ul></section>'


def _page(document: CourseDocument, unit: Unit, tracking: Tracking | None, body: str) -> bytes:
    course = document.course
    draft = document.is_draft
    title = draft_title(document, unit.title)
    banner = f'<p class="courzly-draft" role="note">{escape(DRAFT_NOTICE)}</p>\n' if draft else ""
    scripts = ""
    if tracking:
        scripts = (
            f'<script src="{TRACKER_SCRIPTS[tracking]}"></script>\n'
            f'<script src="{PAGE_SCRIPT_PATH}"></script>\n'
        )
    tracking_attribute = f' data-courzly-tracking="{tracking}"' if tracking else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(course.language)}"{tracking_attribute}>\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No icon file: a browser would otherwise ask the LMS for /favicon.ico.
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{STYLESHEET_PATH}">\n</head>\n<body>\n{banner}'
        f'<header><p class="courzly-course">{escape(course.title)}</p>'
        f"<h1>{escape(title)}</h1></header>\n{body}\n{scripts}</body>\n</html>\n"
    ).encode()
