"""EPUB export, read back with ebooklib and an XML parser: contents, XHTML, images, metadata."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest
from ebooklib import epub  # type: ignore[import-untyped]

from app.exports.formats.epub import render
from app.exports.packages.files import DRAFT_NOTICE
from tests.exports.counting_server import counting_server
from tests.exports.packages.sample import COURSE_ID, PIXEL_PNG
from tests.exports.rich_course import LESSONS, hostile_html, rich_document

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def book_file(tmp_path: Path) -> Path:
    return tmp_path / "course.epub"


def read(data: bytes, path: Path) -> Any:
    path.write_bytes(data)
    return epub.read_epub(str(path))


def pages(data: bytes) -> dict[str, bytes]:
    """Every XHTML file in the book, by its path inside the EPUB folder."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removeprefix("EPUB/"): archive.read(name)
            for name in archive.namelist()
            if name.endswith(".xhtml")
        }


def text_of(page: bytes) -> str:
    return "".join(parse(page).itertext())


def parse(page: bytes) -> ET.Element:
    return ET.fromstring(page)  # noqa: S314 - our own output, parsed to prove it is XML


def spine_files(book: Any) -> list[str]:
    return [book.get_item_with_id(uid).file_name for uid, _linear in book.spine]


def test_contents_nest_lessons_under_modules_in_spine_order(book_file: Path) -> None:
    book = read(render(rich_document()), book_file)

    title, *modules = book.toc
    assert title.title == "Safe Ladders"
    assert [(section.title, [link.title for link in links]) for section, links in modules] == [
        ("Module One", ["First lesson", "Second lesson", "Quiz: Module One"]),
        ("Module Two", ["Third lesson", "Quiz: Module Two"]),
    ]
    listed = [section.href for section, _ in modules]
    listed += [link.href for _, links in modules for link in links]
    spine = spine_files(book)
    lesson_files = [link.href for _, links in modules for link in links if "Quiz" not in link.title]
    assert [spine.index(href) for href in lesson_files] == sorted(
        spine.index(href) for href in lesson_files
    )
    assert set(listed) <= set(spine)
    for file_name, (_module, lesson_title, marker) in zip(lesson_files, LESSONS, strict=True):
        page = book.get_item_with_href(file_name).content
        assert marker in text_of(page)
        heading = parse(page).find(f".//{XHTML}h1")
        assert heading is not None
        assert heading.text == lesson_title


def test_the_ncx_lists_the_same_sections_and_lessons(book_file: Path) -> None:
    book_file.write_bytes(render(rich_document()))
    book = epub.read_epub(str(book_file), {"ignore_ncx": False})

    titles = [item.title for item in book.toc if not isinstance(item, tuple)]
    sections = [
        (section.title, [link.title for link in links])
        for section, links in (item for item in book.toc if isinstance(item, tuple))
    ]
    assert titles == ["Safe Ladders"]
    assert sections[0] == ("Module One", ["First lesson", "Second lesson", "Quiz: Module One"])


def test_every_page_is_well_formed_xhtml() -> None:
    data = render(rich_document())

    for name, page in pages(data).items():
        root = parse(page)
        assert root.tag == f"{XHTML}html", name
        assert root.get("lang") == "en-GB", name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/epub+zip"


def test_the_rich_lesson_keeps_its_structure_as_xhtml() -> None:
    lesson = parse(pages(render(rich_document()))["lesson-001.xhtml"])
    body = lesson.find(f".//{XHTML}div[@class='lesson-body']")
    assert body is not None

    assert [h.text for h in body.iter(f"{XHTML}h2")] == ["Getting started"]  # h1 moved down
    assert [cell.text for cell in body.iter(f"{XHTML}td")] == ["ladder", "reach"]
    assert body.find(f".//{XHTML}ol[@start='3']") is not None
    links = [a.get("href") for a in body.iter(f"{XHTML}a")]
    assert links == ["https://example.org/docs", None]  # the relative link lost its href


def test_images_are_in_the_book_where_the_pages_point(book_file: Path) -> None:
    data = render(rich_document())
    book = read(data, book_file)

    images = {item.file_name: item for item in book.get_items() if isinstance(item, epub.EpubImage)}
    assert list(images) == ["assets/diagram.png"]  # the unused spare.png stays out
    assert images["assets/diagram.png"].content == PIXEL_PNG
    assert images["assets/diagram.png"].media_type == "image/png"
    lesson = parse(pages(data)["lesson-001.xhtml"])
    assert [img.get("src") for img in lesson.iter(f"{XHTML}img")] == ["assets/diagram.png"]


def test_metadata_identify_the_course(book_file: Path) -> None:
    book = read(render(rich_document(approved=True)), book_file)

    [(identifier, _)] = book.get_metadata("DC", "identifier")
    assert identifier == f"urn:uuid:{COURSE_ID}"
    assert book.get_metadata("DC", "language") == [("en-GB", {})]
    assert book.get_metadata("DC", "title") == [("Safe Ladders", {})]


def test_a_draft_opens_with_a_notice_and_says_so_everywhere(book_file: Path) -> None:
    data = render(rich_document(approved=False))
    book = read(data, book_file)

    assert book.get_metadata("DC", "title") == [("Safe Ladders (draft)", {})]
    first = book.get_item_with_id(book.spine[0][0])
    assert DRAFT_NOTICE in text_of(first.content)
    for name, page in pages(data).items():
        if name != "nav.xhtml":
            assert DRAFT_NOTICE in text_of(page), name


def test_an_approved_course_has_no_draft_mark() -> None:
    data = render(rich_document(approved=True))

    assert "draft.xhtml" not in pages(data)
    assert not any("draft" in text_of(page).lower() for page in pages(data).values())


def test_a_hostile_lesson_loads_nothing_and_stays_valid_xhtml() -> None:
    with counting_server() as server:
        data = render(rich_document(second_lesson_html=hostile_html(server.base_url)))

    assert server.requests == []
    lesson = pages(data)["lesson-002.xhtml"]
    root = parse(lesson)
    text = text_of(lesson)
    assert "[image: remote]" in text
    assert "[image: local file]" in text
    assert "scripted" not in text
    body = root.find(f".//{XHTML}div[@class='lesson-body']")
    assert body is not None
    tags = {element.tag.removeprefix(XHTML) for element in body.iter()}
    assert not tags & {"script", "style", "link", "object", "embed", "iframe", "svg", "video"}
    assert server.base_url.encode() not in data
    assert b"file:" not in lesson


def test_messy_html_still_gives_well_formed_xhtml() -> None:
    messy = (
        '<p a"b=1 title="x">unclosed <b>bold <i>both</b> after</p></div></span>'
        "<ul><li>one<li>two</ul><table><tr><td colspan=abc>cell</table>"
        "<p>\ufffe\uffff control &#1; &#xD800; end"
    )
    data = render(rich_document(second_lesson_html=messy))

    text = text_of(pages(data)["lesson-002.xhtml"])
    assert "unclosed bold both after" in text
    assert "cell" in text
    assert "end" in text


def test_the_same_course_renders_to_the_same_bytes() -> None:
    assert render(rich_document()) == render(rich_document())
