"""Markdown: a zip with course.md (overview, contents, quizzes) and one file per lesson."""

from __future__ import annotations

import base64
import io
import zipfile

from app.exports.document import CourseDocument, Lesson, Module
from app.exports.formats import Format, register
from app.exports.markdown_text import safe_markdown

DRAFT_NOTE = "> **Draft**: this course has not been finally approved.\n\n"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # same content, same bytes


def lesson_path(key: str) -> str:
    return f"lessons/{key}.md"


def _quiz(module: Module) -> str:
    lines = [f"### Quiz: {module.title}\n"]
    for number, item in enumerate(module.quiz, start=1):
        lines.append(f"{number}. {item.question}")
        for index, choice in enumerate(item.choices):
            mark = "x" if index == item.answer_index else " "
            lines.append(f"   - [{mark}] {choice}")
        lines.append(f"\n   *Why*: {item.rationale}\n")
    return "\n".join(lines) + "\n"


def _overview(document: CourseDocument) -> str:
    course = document.course
    text = f"# {course.title}\n\n" + (DRAFT_NOTE if document.is_draft else "")
    if course.objectives:
        text += "## Objectives\n\n" + "".join(f"- {o}\n" for o in course.objectives) + "\n"
    text += "## Contents\n\n"
    for module in document.modules:
        text += f"### {module.title}\n\n{module.summary}\n\n"
        for lesson in module.lessons:
            text += f"- [{lesson.title}]({lesson_path(lesson.key)})\n"
        text += "\n"
        if module.quiz:
            text += _quiz(module)
    return text


def _lesson(document: CourseDocument, lesson: Lesson, assets: set[str]) -> str:
    head = f"# {lesson.title}\n\n" + (DRAFT_NOTE if document.is_draft else "")
    if lesson.objectives:
        head += "**Objectives**\n\n" + "".join(f"- {o}\n" for o in lesson.objectives) + "\n"
    return head + safe_markdown(lesson.markdown, assets, "../assets/")  # from lessons/


def render(document: CourseDocument) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, data: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(path, _FIXED_TIME), data, zipfile.ZIP_DEFLATED)

        add("course.md", _overview(document).encode())
        assets = {asset.name for asset in document.assets}
        for lesson in document.lessons():
            add(lesson_path(lesson.key), _lesson(document, lesson, assets).encode())
        for asset in document.assets:
            add(f"assets/{asset.name}", base64.b64decode(asset.data_base64))
    return buffer.getvalue()


MARKDOWN = register(Format("markdown", "zip", "application/zip", render))
