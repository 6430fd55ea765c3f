"""Word (DOCX): the course as one editable document with Word's own heading and list styles.

Title, then per module a "Heading 1" page with its summary, each lesson under "Heading 2"
(lesson headings below it) and the module quiz with answers. A draft says so under the
title and in the header of every page.
"""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.shared import RGBColor

from app.exports.document import CourseDocument, Lesson, Module
from app.exports.formats import Format, register
from app.exports.formats import docx_ooxml as ooxml
from app.exports.formats.course_images import decoded_images
from app.exports.formats.docx_html import LessonWriter
from app.exports.formats.html_tree import xml_text
from app.exports.formats.stable_zip import restamped
from app.exports.packages.files import DRAFT_NOTICE, course_title
from app.exports.packages.layout import quiz_title

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LESSON_HEADING_LEVEL = 2  # module = Heading 1, lesson = Heading 2, lesson headings below
DRAFT_COLOR = RGBColor(0xB4, 0x53, 0x09)


def render(document: CourseDocument) -> bytes:
    word = docx.Document()
    _properties(word, document)
    _title_page(word, document)
    writer = LessonWriter(word, decoded_images(document), heading_offset=LESSON_HEADING_LEVEL)
    for module in document.modules:
        heading = word.add_heading(xml_text(module.title), level=1)
        heading.paragraph_format.page_break_before = True
        if module.summary:
            word.add_paragraph(xml_text(module.summary))
        for lesson in module.lessons:
            _lesson(word, writer, lesson)
        if module.quiz:
            _quiz(word, writer, module)
    if document.is_draft:
        _draft_headers(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return restamped(buffer.getvalue())


def _properties(word: Document, document: CourseDocument) -> None:
    properties = word.core_properties
    properties.title = xml_text(course_title(document))
    properties.language = xml_text(document.course.language)
    properties.author = properties.last_modified_by = "Courzly"
    properties.created = properties.modified = document.exported_at  # same course, same file
    properties.revision = 1


def _title_page(word: Document, document: CourseDocument) -> None:
    course = document.course
    word.add_heading(xml_text(course.title), level=0)  # level 0 is the "Title" style
    if document.is_draft:
        notice = word.add_paragraph().add_run(DRAFT_NOTICE)
        notice.bold = True
        notice.font.color.rgb = DRAFT_COLOR
    details = [
        f"Audience: {course.audience}" if course.audience else "",
        f"Level: {course.level}" if course.level else "",
        f"Duration: {course.duration_minutes} minutes" if course.duration_minutes else "",
    ]
    for detail in filter(None, details):
        word.add_paragraph(xml_text(detail))
    _objectives(word, course.objectives)


def _objectives(word: Document, objectives: list[str]) -> None:
    if not objectives:
        return
    word.add_paragraph().add_run("Objectives").bold = True
    for objective in objectives:
        word.add_paragraph(xml_text(objective), style="List Bullet")


def _lesson(word: Document, writer: LessonWriter, lesson: Lesson) -> None:
    word.add_heading(xml_text(lesson.title), level=LESSON_HEADING_LEVEL)
    _objectives(word, lesson.objectives)
    writer.write(lesson.html)


def _quiz(word: Document, writer: LessonWriter, module: Module) -> None:
    word.add_heading(xml_text(quiz_title(module)), level=LESSON_HEADING_LEVEL)
    num_id = writer.numbered_list("List Number")
    for item in module.quiz:
        question = word.add_paragraph(xml_text(item.question), style="List Number")
        if num_id is not None:
            ooxml.number(question, num_id)
        for index, choice in enumerate(item.choices):
            line = word.add_paragraph(style="List Continue")
            line.add_run(f"{chr(ord('a') + index)}) " if index < 26 else "- ")
            if index == item.answer_index:
                line.add_run(xml_text(choice) + " (answer)").bold = True
            else:
                line.add_run(xml_text(choice))
        why = word.add_paragraph(style="List Continue")
        why.add_run("Why: ").italic = True
        why.add_run(xml_text(item.rationale))


def _draft_headers(word: Document) -> None:
    for section in word.sections:
        header = section.header
        header.is_linked_to_previous = False
        run = header.paragraphs[0].add_run(DRAFT_NOTICE)
        run.bold = True
        run.font.color.rgb = DRAFT_COLOR


DOCX = register(Format("docx", "docx", MEDIA_TYPE, render))
