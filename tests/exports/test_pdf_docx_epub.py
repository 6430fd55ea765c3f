"""What PDF, DOCX and EPUB share: registration, and handling the largest lesson allowed.
Format details are in test_pdf.py, test_docx.py and test_epub.py."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import pytest

from app.exports.document import CourseDocument
from app.exports.formats import FORMATS, docx, epub, pdf
from app.exports.formats.pdf_page import print_html
from app.exports.sanitize import MAX_LESSON_BYTES
from tests.exports.packages.sample import sample_document
from tests.exports.rich_course import large_html, rich_document

# Far above the measured times (about 1.3 s for DOCX, 0.3 s for EPUB on 2 cores), so only
# a change in complexity, not a slow machine, fails the test.
LARGE_LESSON_SECONDS = 8.0


@pytest.mark.parametrize(
    ("name", "extension", "media_type"),
    [
        ("pdf", "pdf", "application/pdf"),
        (
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("epub", "epub", "application/epub+zip"),
    ],
)
def test_formats_are_registered(name: str, extension: str, media_type: str) -> None:
    fmt = FORMATS[name]

    assert (fmt.extension, fmt.media_type) == (extension, media_type)
    assert fmt.render is {"pdf": pdf.render, "docx": docx.render, "epub": epub.render}[name]


def test_the_package_sample_course_renders_in_every_format() -> None:
    document = sample_document()

    assert pdf.render(document).startswith(b"%PDF-")
    for render, member in ((docx.render, "word/document.xml"), (epub.render, "mimetype")):
        with zipfile.ZipFile(io.BytesIO(render(document))) as archive:
            assert member in archive.namelist()


@pytest.mark.parametrize("render", [docx.render, epub.render], ids=["docx", "epub"])
def test_the_largest_lesson_renders_in_seconds(
    render: Callable[[CourseDocument], bytes],
) -> None:
    html = large_html(MAX_LESSON_BYTES)
    document = rich_document(second_lesson_html=html)

    started = time.perf_counter()
    data = render(document)
    elapsed = time.perf_counter() - started

    assert elapsed < LARGE_LESSON_SECONDS
    assert len(data) > 10_000


def test_the_pdf_page_for_the_largest_lesson_is_built_in_seconds() -> None:
    # Laying out ~700 pages in WeasyPrint itself takes about 30 s: worth a background job,
    # too slow for a unit test. What is ours, the print HTML, must stay fast.
    document = rich_document(second_lesson_html=large_html(MAX_LESSON_BYTES))

    started = time.perf_counter()
    html = print_html(document, {"diagram.png"})
    elapsed = time.perf_counter() - started

    assert elapsed < LARGE_LESSON_SECONDS
    assert html.count("A branch is a movable pointer") > 40_000
