"""EPUB 3 (ebooklib): a page per lesson and per module quiz, grouped under module pages.

The navigation (EPUB 3 nav and EPUB 2 NCX) lists modules as sections with their lessons
and quiz nested. A draft opens with a notice page, says "(draft)" in its title and
repeats the notice on every page. The same course gives the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from ebooklib import epub  # type: ignore[import-untyped]

from app.exports.document import CourseDocument
from app.exports.formats import Format, register
from app.exports.formats import epub_pages as pages
from app.exports.formats.course_images import IMAGE_TYPES, CourseImage, decoded_images
from app.exports.formats.html_tree import xml_text
from app.exports.formats.stable_zip import restamped
from app.exports.packages.files import course_title, safe_name

STYLESHEET_PATH = "style/course.css"
# EPUB core media types for images; others would need fallbacks. SVG is left out: it is


@dataclass
class _Book:
    """The ebooklib book being built, and what its pages need to know."""

    document: CourseDocument
    book: Any  # ebooklib.epub.EpubBook (untyped)
    language: str

    def add_page(self, uid: str, title: str, body: list[ET.Element | None]) -> Any:
        content = pages.page(title, self.language, STYLESHEET_PATH, body)
        item = epub.EpubItem(
            uid=uid,
            file_name=f"{uid}.xhtml",
            media_type="application/xhtml+xml",
            content=content,
        )
        self.book.add_item(item)
        self.book.spine.append(item)
        return item


def render(document: CourseDocument) -> bytes:
    course = document.course
    language = xml_text(course.language) or "und"
    book = epub.EpubBook()
    book.set_identifier(f"urn:uuid:{course.id}")
    book.set_title(xml_text(course_title(document)))
    book.set_language(language)
    book.add_metadata("DC", "date", document.exported_at.astimezone(UTC).strftime("%Y-%m-%d"))
    if course.objectives:
        book.add_metadata("DC", "description", xml_text("; ".join(course.objectives)))
    book.add_item(
        epub.EpubItem(
            uid="style",
            file_name=STYLESHEET_PATH,
            media_type="text/css",
            content=pages.STYLESHEET.encode(),
        )
    )
    builder = _Book(document, book, language)
    if document.is_draft:
        builder.add_page("draft", "Draft", pages.draft_page())
    title = builder.add_page("title", course.title, pages.title_page(document))
    navigation = epub.EpubNav(title="Contents")
    navigation.add_link(href=STYLESHEET_PATH, rel="stylesheet", type="text/css")
    book.add_item(navigation)
    book.spine.append(navigation)
    book.toc = [epub.Link(title.file_name, xml_text(course.title), "toc-title")]
    images = decoded_images(document)
    _add_images(book, images, _add_modules(builder, images))
    book.add_item(epub.EpubNcx())
    buffer = io.BytesIO()
    options = {"mtime": document.exported_at.astimezone(UTC), "epub3_pages": False}
    epub.write_epub(buffer, book, options | {"raise_exceptions": True})
    return restamped(buffer.getvalue())


def _add_modules(builder: _Book, images: dict[str, CourseImage]) -> set[str]:
    """Module, lesson and quiz pages in reading order, with their table of contents; returns
    the names of the images the lessons show."""
    document = builder.document
    available = {name for name, image in images.items() if _packable(image)}
    used: set[str] = set()
    lesson_number = 0
    for module_number, module in enumerate(document.modules, start=1):
        key = f"module-{module_number:03d}"
        module_page = builder.add_page(key, module.title, pages.module_page(document, module))
        entries = []
        for lesson in module.lessons:
            lesson_number += 1
            uid = f"lesson-{lesson_number:03d}"
            body, shown = pages.lesson_page(document, module, lesson, available)
            used |= shown
            item = builder.add_page(uid, lesson.title, body)
            entries.append(epub.Link(item.file_name, xml_text(lesson.title), f"toc-{uid}"))
        if module.quiz:
            title = pages.quiz_title(module)
            item = builder.add_page(
                f"quiz-{module_number:03d}", title, pages.quiz_page(document, module)
            )
            entries.append(epub.Link(item.file_name, xml_text(title), f"toc-{item.id}"))
        section = epub.Section(xml_text(module.title), module_page.file_name)
        builder.book.toc.append((section, entries))
    return used


def _packable(image: CourseImage) -> bool:
    if image.media_type not in IMAGE_TYPES:
        return False
    try:
        safe_name(image.name)  # the name becomes a path inside the book
    except ValueError:
        return False
    return True


def _add_images(book: Any, images: dict[str, CourseImage], used: set[str]) -> None:
    for number, name in enumerate(sorted(used), start=1):
        image = images[name]
        book.add_item(
            epub.EpubImage(
                uid=f"image-{number:03d}",
                file_name=f"assets/{name}",
                media_type=image.media_type,
                content=image.data,
            )
        )


EPUB = register(Format("epub", "epub", "application/epub+zip", render))
