"""The EPUB's XHTML pages: draft notice, title page, module, lesson and quiz."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from app.exports.document import CourseDocument, Lesson, Module
from app.exports.formats.course_markup import course_details, objectives, quiz_questions
from app.exports.formats.course_markup import quiz_title as quiz_title
from app.exports.formats.html_tree import xml_text
from app.exports.formats.lesson_markup import lesson_body
from app.exports.packages.files import DRAFT_NOTICE
from app.exports.packages.xml import el

XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
EPUB_NAMESPACE = "http://www.idpf.org/2007/ops"
LESSON_HEADING_SHIFT = 1  # the page title is the <h1>: a lesson's <h1> becomes <h2>

STYLESHEET = """\
body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1, h2, h3, h4, h5, h6 { font-family: sans-serif; line-height: 1.25; }
.draft { border: 2px solid #b45309; background: #fef3c7; padding: .5em 1em; font-weight: bold; }
.objectives { background: #f5f5f7; padding: .5em 1em; }
.module-name { color: #59636e; margin-bottom: 0; }
.answer { font-weight: bold; }
.quiz-questions ol { list-style-type: lower-alpha; }
pre { white-space: pre-wrap; background: #f5f5f7; padding: .75em; }
code, kbd, samp, pre { font-family: monospace; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: .25em .5em; }
img { max-width: 100%; height: auto; }
.missing-image { font-style: italic; }
"""


def page(title: str, language: str, stylesheet: str, body: Iterable[ET.Element | None]) -> bytes:
    """A complete XHTML content document."""
    root = el(
        "html",
        {
            "xmlns": XHTML_NAMESPACE,
            "xmlns:epub": EPUB_NAMESPACE,
            "lang": language,
            "xml:lang": language,
        },
        el(
            "head",
            None,
            el("meta", {"charset": "utf-8"}),
            el("title", text=xml_text(title)),
            el("link", {"rel": "stylesheet", "type": "text/css", "href": stylesheet}),
        ),
        el("body", None, *body),
    )
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n{text}\n'.encode()


def draft_banner(document: CourseDocument) -> ET.Element | None:
    if not document.is_draft:
        return None
    return el("p", {"class": "draft", "role": "note"}, text=DRAFT_NOTICE)


def draft_page() -> list[ET.Element | None]:
    return [el("h1", text="Draft"), el("p", {"class": "draft", "role": "note"}, text=DRAFT_NOTICE)]


def title_page(document: CourseDocument) -> list[ET.Element | None]:
    course = document.course
    return [
        el("h1", text=xml_text(course.title)),
        draft_banner(document),
        *course_details(course),
        objectives(course.objectives),
    ]


def module_page(document: CourseDocument, module: Module) -> list[ET.Element | None]:
    summary = el("p", text=xml_text(module.summary)) if module.summary else None
    return [el("h1", text=xml_text(module.title)), draft_banner(document), summary]


def lesson_page(
    document: CourseDocument, module: Module, lesson: Lesson, images: set[str]
) -> tuple[list[ET.Element | None], set[str]]:
    """The page and the names of the images it shows (`images`: those the book carries)."""
    body, used = lesson_body(lesson.html, images, LESSON_HEADING_SHIFT)
    page = [
        el("p", {"class": "module-name"}, text=xml_text(module.title)),
        el("h1", text=xml_text(lesson.title)),
        draft_banner(document),
        objectives(lesson.objectives),
        body,
    ]
    return page, used


def quiz_page(document: CourseDocument, module: Module) -> list[ET.Element | None]:
    return [
        el("h1", text=xml_text(quiz_title(module))),
        draft_banner(document),
        quiz_questions(module),
    ]
