"""The print HTML the PDF is rendered from: title page, contents with page numbers, a page
per module, lesson and quiz, and running headers (with the draft mark on every page)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC

from app.exports.document import CourseDocument, Lesson, Module
from app.exports.formats.course_markup import course_details, objectives, quiz_questions, quiz_title
from app.exports.formats.html_tree import xml_text
from app.exports.formats.lesson_markup import lesson_body
from app.exports.packages.files import DRAFT_NOTICE, course_title
from app.exports.packages.xml import el

LESSON_HEADING_SHIFT = 2  # module <h1>, lesson <h2>: a lesson's own <h1> becomes <h3>
DRAFT_MARK = "DRAFT"

STYLESHEET = """
@page { size: A4; margin: 2.2cm 2cm 2.4cm;
  @top-left { content: string(course-title); font: 8.5pt "DejaVu Sans", sans-serif;
              color: #59636e; }
  @bottom-right { content: counter(page) " / " counter(pages);
                  font: 8.5pt "DejaVu Sans", sans-serif; color: #59636e; } }
@page :first { @top-left { content: none; } @bottom-right { content: none; } }
html { font: 10.5pt/1.5 "DejaVu Serif", serif; color: #1d1d1f; }
h1, h2, h3, h4, h5, h6, .toc, .module-name { font-family: "DejaVu Sans", sans-serif;
  line-height: 1.25; }
h1.course-title { string-set: course-title content(); font-size: 26pt; margin-top: 5cm; }
.draft-stamp { font: bold 30pt "DejaVu Sans", sans-serif; color: #b45309;
  border: 3px solid #b45309; display: inline-block; padding: 0 .4em; }
.draft { border: 2px solid #b45309; background: #fef3c7; padding: .4em .8em; }
.objectives { background: #f5f5f7; padding: .3em .9em; margin: 1em 0; }
.module-name { color: #59636e; margin: 0; }
.toc, .module, .lesson, .quiz { break-before: page; }
.toc ol { list-style: none; padding-left: 0; }
.toc ol ol { padding-left: 1.5em; }
.toc a { color: inherit; text-decoration: none; }
.toc a::after { content: leader(". ") target-counter(attr(href), page); }
.lesson-body img { max-width: 100%; }
pre { white-space: pre-wrap; background: #f5f5f7; padding: .6em; font-size: 9pt; }
code, kbd, samp, pre { font-family: "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #999; padding: .2em .5em; vertical-align: top; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; color: #444; }
a { color: #0550ae; }
.answer { font-weight: bold; }
.quiz-questions ol { list-style-type: lower-alpha; }
.missing-image { font-style: italic; }
/* The PDF outline lists modules, then lessons and quizzes; nothing else. */
h1, h2, h3, h4, h5, h6 { bookmark-level: none; }
.module h1 { bookmark-level: 1; }
.lesson h2, .quiz h2 { bookmark-level: 2; }
"""


def _draft_stylesheet() -> str:
    notice = DRAFT_NOTICE.replace("\\", "\\\\").replace('"', '\\"')
    margin_font = 'font: bold 8.5pt "DejaVu Sans", sans-serif; color: #b45309;'
    return (
        f'@page {{ @top-right {{ content: "{DRAFT_MARK}"; {margin_font} }}\n'
        f'  @bottom-left {{ content: "{notice}"; {margin_font} }} }}\n'
    )


def print_html(document: CourseDocument, images: set[str]) -> str:
    """The whole course as one HTML page for WeasyPrint; `images` are the names of the
    assets the PDF may embed (any other image shows its alt text)."""
    course = document.course
    body: list[ET.Element] = [_title_page(document), _contents(document)]
    lesson_number = 0
    for number, module in enumerate(document.modules, start=1):
        body.append(_module(module, number))
        for lesson in module.lessons:
            lesson_number += 1
            body.append(_lesson(module, lesson, lesson_number, images))
        if module.quiz:
            body.append(_quiz(module, number))
    stylesheet = STYLESHEET + (_draft_stylesheet() if document.is_draft else "")
    head = el(
        "head",
        None,
        el("meta", {"charset": "utf-8"}),
        el("title", text=xml_text(course_title(document))),
        el("meta", {"name": "generator", "content": "Courzly"}),
        el("meta", {"name": "dcterms.created", "content": _timestamp(document)}),
        el("meta", {"name": "dcterms.modified", "content": _timestamp(document)}),
        el("style", text=stylesheet),
    )
    language = xml_text(course.language) or "und"
    root = el("html", {"lang": language}, head, el("body", None, *body))
    return "<!DOCTYPE html>\n" + ET.tostring(root, encoding="unicode", method="html")


def _timestamp(document: CourseDocument) -> str:
    return document.exported_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _title_page(document: CourseDocument) -> ET.Element:
    course = document.course
    return el(
        "section",
        {"class": "title-page"},
        el("p", {"class": "draft-stamp"}, text=DRAFT_MARK) if document.is_draft else None,
        el("h1", {"class": "course-title"}, text=xml_text(course.title)),
        el("p", {"class": "draft"}, text=DRAFT_NOTICE) if document.is_draft else None,
        course_details(course),
        objectives(course.objectives, heading="h3"),
    )


def _contents(document: CourseDocument) -> ET.Element:
    modules = []
    lesson_number = 0
    for number, module in enumerate(document.modules, start=1):
        entries = []
        for lesson in module.lessons:
            lesson_number += 1
            entries.append(_entry(f"lesson-{lesson_number}", lesson.title))
        if module.quiz:
            entries.append(_entry(f"quiz-{number}", quiz_title(module)))
        modules.append(
            el("li", None, _link(f"module-{number}", module.title), el("ol", None, entries))
        )
    return el("nav", {"class": "toc"}, el("h2", text="Contents"), el("ol", None, modules))


def _entry(anchor: str, title: str) -> ET.Element:
    return el("li", None, _link(anchor, title))


def _link(anchor: str, title: str) -> ET.Element:
    return el("a", {"href": f"#{anchor}"}, text=xml_text(title))


def _module(module: Module, number: int) -> ET.Element:
    summary = el("p", text=xml_text(module.summary)) if module.summary else None
    attributes = {"class": "module", "id": f"module-{number}"}
    return el("section", attributes, el("h1", text=xml_text(module.title)), summary)


def _lesson(module: Module, lesson: Lesson, number: int, images: set[str]) -> ET.Element:
    body, _shown = lesson_body(lesson.html, images, LESSON_HEADING_SHIFT)
    return el(
        "article",
        {"class": "lesson", "id": f"lesson-{number}"},
        el("p", {"class": "module-name"}, text=xml_text(module.title)),
        el("h2", text=xml_text(lesson.title)),
        objectives(lesson.objectives, heading="h3"),
        body,
    )


def _quiz(module: Module, number: int) -> ET.Element:
    return el(
        "section",
        {"class": "quiz", "id": f"quiz-{number}"},
        el("h2", text=xml_text(quiz_title(module))),
        quiz_questions(module),
    )
