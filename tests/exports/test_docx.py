"""DOCX export, read back with python-docx: headings, lists, tables, code, images, draft."""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.text.paragraph import Paragraph

from app.exports.formats.docx import render
from app.exports.formats.docx_ooxml import MONOSPACE
from app.exports.packages.files import DRAFT_NOTICE
from tests.exports.counting_server import counting_server
from tests.exports.packages.sample import PIXEL_PNG
from tests.exports.rich_course import RICH_HEADINGS, hostile_html, rich_document


def read(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def style(paragraph: Paragraph) -> str:
    assert paragraph.style is not None
    name: str = paragraph.style.name  # untyped in python-docx 1.2
    return name


def headings(document: Document) -> list[tuple[str, str]]:
    return [
        (style(p), p.text)
        for p in document.paragraphs
        if style(p) == "Title" or style(p).startswith("Heading")
    ]


def paragraph(document: Document, text: str) -> Paragraph:
    [found] = [p for p in document.paragraphs if p.text == text]
    return found


def num_id(paragraph: Paragraph) -> str | None:
    ids = paragraph._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    return str(ids[0]) if ids else None


def all_text(document: Document) -> str:
    body = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    headers = [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(body + cells + headers)


def test_headings_follow_the_course_outline() -> None:
    document = read(render(rich_document(approved=True)))

    lesson_headings = [(f"Heading {2 + level}", text) for level, text in RICH_HEADINGS]
    assert headings(document) == [
        ("Title", "Safe Ladders"),
        ("Heading 1", "Module One"),
        ("Heading 2", "First lesson"),
        *lesson_headings,
        ("Heading 2", "Second lesson"),
        ("Heading 2", "Quiz: Module One"),
        ("Heading 1", "Module Two"),
        ("Heading 2", "Third lesson"),
        ("Heading 4", "Branches"),  # an <h2> in the lesson
        ("Heading 2", "Quiz: Module Two"),
    ]


def test_lists_use_list_styles_and_each_numbered_list_counts_from_its_start() -> None:
    document = read(render(rich_document()))

    assert style(paragraph(document, "first step")) == "List Bullet"
    assert style(paragraph(document, "nested step")) == "List Bullet 2"
    assert style(paragraph(document, "second step")) == "List Bullet"
    one, two = paragraph(document, "number one"), paragraph(document, "number two")
    three = paragraph(document, "number three")
    assert {style(one), style(two), style(three)} == {"List Number"}
    # Same list, same numbering; the next list gets its own, starting at 3.
    assert num_id(one) is not None
    assert num_id(one) == num_id(two) != num_id(three)
    numbering = document.part.numbering_part.element
    start = numbering.xpath(f'./w:num[@w:numId="{num_id(three)}"]//w:startOverride/@w:val')
    assert start == ["3"]


def test_a_table_becomes_a_bordered_word_table() -> None:
    document = read(render(rich_document()))

    [table] = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Tool", "Use"],
        ["ladder", "reach"],
    ]
    assert table.style is not None
    assert table.style.name == "Table Grid"
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert not table.rows[1].cells[0].paragraphs[0].runs[0].bold


def test_code_is_monospace_and_keeps_its_line_breaks() -> None:
    document = read(render(rich_document()))

    intro = next(p for p in document.paragraphs if p.text.startswith("Marker ALPHA"))
    fonts = {run.text: run.font.name for run in intro.runs}
    assert fonts["inline code"] == MONOSPACE
    assert fonts["Marker ALPHA with "] is None
    block = paragraph(document, "git add .\ngit commit")
    assert {run.font.name for run in block.runs} == {MONOSPACE}
    assert paragraph(document, "Line one\nline two")  # <br> is a line break


def test_inline_formatting_links_and_quotes() -> None:
    document = read(render(rich_document()))

    intro = next(p for p in document.paragraphs if p.text.startswith("Marker ALPHA"))
    runs = {run.text: run for run in intro.runs}
    assert runs["bold"].bold
    assert runs["italic"].italic
    assert intro.text.endswith("web link; a relative link stays text.")
    [link] = intro.hyperlinks
    assert (link.text, link.address) == ("web link", "https://example.org/docs")
    external = [
        rel.target_ref
        for rel in document.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    ]
    assert external == ["https://example.org/docs"]  # never the relative /admin
    assert style(paragraph(document, "Safety first.")) == "Quote"


def test_the_image_asset_becomes_an_inline_picture() -> None:
    document = read(render(rich_document(with_image=True)))

    [shape] = document.inline_shapes
    blip = shape._inline.xpath(".//a:blip/@r:embed")[0]
    assert document.part.related_parts[blip].blob == PIXEL_PNG
    assert len(read(render(rich_document(with_image=False))).inline_shapes) == 0


def test_quizzes_follow_their_module_lessons_with_answers() -> None:
    document = read(render(rich_document()))
    texts = [p.text for p in document.paragraphs]

    quiz = texts.index("Quiz: Module One")
    assert texts.index("Second lesson") < quiz < texts.index("Module Two")
    assert texts[quiz + 1].startswith("Module 1, question 1")
    assert texts[quiz + 2 : quiz + 5] == ["a) Alpha (answer)", "b) Beta & gamma", "c) Delta"]
    assert texts[quiz + 5] == "Why: Choice 1 is right because the lesson says so."


def test_a_draft_is_marked_on_the_first_page_and_in_every_header() -> None:
    document = read(render(rich_document(approved=False)))

    assert document.paragraphs[1].text == DRAFT_NOTICE
    for section in document.sections:
        assert DRAFT_NOTICE in section.header.paragraphs[0].text
    assert document.core_properties.title == "Safe Ladders (draft)"


def test_an_approved_course_has_no_draft_mark_and_carries_its_metadata() -> None:
    document = read(render(rich_document(approved=True)))

    assert "draft" not in all_text(document).lower()
    assert document.core_properties.title == "Safe Ladders"
    assert document.core_properties.language == "en-GB"


def test_a_hostile_lesson_loads_nothing_and_shows_placeholders() -> None:
    with counting_server() as server:
        data = render(rich_document(second_lesson_html=hostile_html(server.base_url)))

    assert server.requests == []
    document = read(data)
    text = all_text(document)
    assert "[image: remote]" in text
    assert "[image: local file]" in text
    assert "scripted" not in text
    assert len(document.inline_shapes) == 1  # only the course asset of the first lesson
    # The hostile <a> points at file:///etc/passwd: it stays text, not a link.
    external = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert external == ["https://example.org/docs"]


def test_the_same_course_renders_to_the_same_bytes() -> None:
    assert render(rich_document()) == render(rich_document())
