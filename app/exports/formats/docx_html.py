"""Sanitized lesson HTML to Word paragraphs and tables (python-docx).

Block elements become paragraphs in Word's built-in styles (headings, lists, quote,
caption); inline elements become run formatting (docx_runs). Images come only from the
course assets; nothing is ever fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from docx.document import Document
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from app.exports.formats import docx_ooxml as ooxml
from app.exports.formats.course_images import CourseImage, asset_name
from app.exports.formats.docx_runs import SPACES, Marks, Runs
from app.exports.formats.docx_tables import place_cells, table_rows
from app.exports.formats.html_tree import link_target, parse_fragment

HEADINGS = {f"h{level}": level for level in range(1, 7)}
LISTS = {"ul": "Bullet", "ol": "Number"}
BLOCKS = frozenset(
    {*HEADINGS, *LISTS, "p", "pre", "blockquote", "table", "hr", "li", "div", "figure"}
    | {"figcaption", "caption", "dl", "dt", "dd", "section", "article", "header", "footer"}
)
INLINE_MARKS = {
    **dict.fromkeys(("strong", "b"), "bold"),
    **dict.fromkeys(("em", "i", "cite", "dfn", "var"), "italic"),
    **dict.fromkeys(("code", "kbd", "samp", "tt"), "mono"),
    **dict.fromkeys(("u", "ins"), "underline"),
    **dict.fromkeys(("s", "del", "strike"), "strike"),
    "sup": "superscript",
    "sub": "subscript",
}
MAX_LIST_STYLE_LEVEL = 3  # the default template has "List Bullet" ... "List Bullet 3"
TABLE_STYLE = "Table Grid"  # the built-in table style with borders


@dataclass(frozen=True)
class Scope:
    """What surrounds a block: lists (outermost first), a quote, inherited run formatting."""

    lists: tuple[str, ...] = ()  # "Bullet", "Number"; "Continue" for an indented `<dd>`
    quote: bool = False
    marks: Marks = field(default_factory=Marks)

    def list_style(self, kind: str) -> str:
        level = min(len(self.lists), MAX_LIST_STYLE_LEVEL)
        return f"List {kind}" + (f" {level}" if level > 1 else "")

    def paragraph_style(self) -> str | None:
        if self.lists:
            return self.list_style("Continue")  # text of a list item after its first line
        return "Quote" if self.quote else None


class Flow:
    """New paragraphs and tables of one container: the document body or a table cell."""

    def __init__(self, target: Document | _Cell) -> None:
        self.target = target
        # A new cell already holds one empty paragraph: its first block uses that one.
        self._blank: Paragraph | None = target.paragraphs[0] if isinstance(target, _Cell) else None
        self._item: tuple[str, int | None] | None = None  # style, numbering of a list item

    def start_item(self, style: str, num_id: int | None) -> None:
        """The next paragraph starts a list item (bullet or number)."""
        self._item = (style, num_id)

    def end_item(self) -> None:
        if self._item is not None:  # an empty `<li>` still shows its bullet
            self.paragraph(None)

    def paragraph(self, style: str | None) -> Paragraph:
        num_id = None
        if self._item is not None:
            (style, num_id), self._item = self._item, None
        if self._blank is not None:
            paragraph, self._blank = self._blank, None
            paragraph.style = style
        else:
            paragraph = self.target.add_paragraph(style=style)
        if num_id is not None:
            ooxml.number(paragraph, num_id)
        return paragraph

    def table(self, rows: int, columns: int) -> Table:
        self._item = None
        if isinstance(self.target, _Cell):
            if self._blank is not None:  # add_table ends the cell with a paragraph itself
                self._blank._p.getparent().remove(self._blank._p)
                self._blank = None
            return self.target.add_table(rows, columns)
        table: Table = self.target.add_table(rows, columns)  # untyped in python-docx 1.2
        return table


class LessonWriter:
    """Writes lesson HTML at the end of a Word document. Lesson headings sit below the
    lesson's own heading: `<h1>` becomes "Heading <1 + heading_offset>" (at most 9)."""

    def __init__(
        self, document: Document, images: dict[str, CourseImage], heading_offset: int
    ) -> None:
        self._document = document
        self._images = images
        self._heading_offset = heading_offset
        self._numbering = ooxml.Numbering(document)

    def write(self, html: str) -> None:
        self._blocks(parse_fragment(html), Flow(self._document), Scope())

    def numbered_list(self, style: str, start: int = 1) -> int | None:
        """A fresh numbering for a list outside lesson HTML (quiz questions)."""
        return self._numbering.restart(style, start)

    def _blocks(self, parent: ET.Element, flow: Flow, scope: Scope) -> None:
        """The children of `parent`; inline content between blocks becomes paragraphs."""
        runs = Runs(lambda: flow.paragraph(scope.paragraph_style()))
        runs.text(parent.text or "", scope.marks)
        for child in parent:
            if child.tag in BLOCKS:
                runs.finish()
                self._block(child, flow, scope)
                runs = Runs(lambda: flow.paragraph(scope.paragraph_style()))
            else:
                self._inline(child, runs, scope.marks)
            runs.text(child.tail or "", scope.marks)
        runs.finish()

    def _block(self, element: ET.Element, flow: Flow, scope: Scope) -> None:
        tag = element.tag
        if tag in HEADINGS:
            style = f"Heading {min(HEADINGS[tag] + self._heading_offset, 9)}"
            self._paragraph_of(element, lambda: flow.paragraph(style), scope.marks)
        elif tag in LISTS:
            self._list(element, LISTS[tag], flow, scope)
        elif tag == "pre":
            runs = Runs(lambda: flow.paragraph(scope.paragraph_style()), preformatted=True)
            element.text = (element.text or "").removeprefix("\n")  # as HTML ignores it
            self._inline_children(element, runs, scope.marks.with_style("mono"))
            runs.finish()
        elif tag == "table":
            self._table(element, flow, scope)
        elif tag == "hr":
            ooxml.bottom_border(flow.paragraph(scope.paragraph_style()))
        elif tag in ("figcaption", "caption"):
            self._paragraph_of(element, lambda: flow.paragraph("Caption"), scope.marks)
        elif tag == "blockquote":
            self._blocks(element, flow, replace(scope, quote=True))
        elif tag == "dt":
            self._blocks(element, flow, replace(scope, marks=scope.marks.with_style("bold")))
        elif tag == "dd":
            self._blocks(element, flow, replace(scope, lists=(*scope.lists, "Continue")))
        else:  # p, div, li outside a list, figure ...
            self._blocks(element, flow, scope)

    def _paragraph_of(
        self, element: ET.Element, new_paragraph: Callable[[], Paragraph], marks: Marks
    ) -> None:
        runs = Runs(new_paragraph)
        self._inline_children(element, runs, marks)
        runs.finish()

    def _list(self, element: ET.Element, kind: str, flow: Flow, scope: Scope) -> None:
        inner = replace(scope, lists=(*scope.lists, kind))
        style = inner.list_style(kind)
        num_id = self._numbering.restart(style, _start(element)) if kind == "Number" else None
        stray = ET.Element("div")  # text or elements directly in the list, outside any item
        stray.text = element.text
        for child in element:
            if child.tag == "li":
                self._blocks(stray, flow, inner)
                flow.start_item(style, num_id)
                self._blocks(child, flow, inner)
                flow.end_item()
                stray = ET.Element("div")
                stray.text = child.tail
            else:
                stray.append(child)
        self._blocks(stray, flow, inner)

    def _table(self, element: ET.Element, flow: Flow, scope: Scope) -> None:
        caption = next((child for child in element if child.tag == "caption"), None)
        if caption is not None:
            self._paragraph_of(caption, lambda: flow.paragraph("Caption"), scope.marks)
        rows = table_rows(element)
        placements, columns = place_cells(rows)
        if not placements:
            return
        table = flow.table(len(rows), columns)
        table.style = TABLE_STYLE
        grid = [list(row.cells) for row in table.rows]  # before merging changes the grid
        for placed in placements:
            cell = grid[placed.row][placed.column]
            if placed.rows > 1 or placed.columns > 1:
                last_row, last_column = (
                    placed.row + placed.rows - 1,
                    placed.column + placed.columns - 1,
                )
                cell = cell.merge(grid[last_row][last_column])
            header = placed.cell.tag == "th"
            marks = scope.marks.with_style("bold") if header else scope.marks
            self._blocks(placed.cell, Flow(cell), Scope(marks=marks))

    def _inline_children(self, element: ET.Element, runs: Runs, marks: Marks) -> None:
        runs.text(element.text or "", marks)
        for child in element:
            self._inline(child, runs, marks)
            runs.text(child.tail or "", marks)

    def _inline(self, element: ET.Element, runs: Runs, marks: Marks) -> None:
        tag = element.tag
        if tag == "br":
            runs.line_break()
        elif tag == "img":
            name = asset_name(element.get("src", ""))
            image = self._images.get(name) if name else None
            runs.picture(image, SPACES.sub(" ", element.get("alt", "")).strip(), marks)
        else:
            if tag in INLINE_MARKS:
                marks = marks.with_style(INLINE_MARKS[tag])
            elif tag == "a":
                marks = replace(marks, link=link_target(element.get("href")))
            self._inline_children(element, runs, marks)


def _start(element: ET.Element) -> int:
    value = element.get("start", "1").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1
