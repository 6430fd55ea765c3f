"""The runs of one Word paragraph: text with its formatting, line breaks, links and pictures."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from docx.image.image import Image
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_Text
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Inches
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from app.exports.formats import docx_ooxml as ooxml
from app.exports.formats.course_images import CourseImage

MAX_PICTURE_WIDTH = Inches(6)  # the text width of a Letter or A4 page with default margins
SPACES = re.compile(r"[ \t\n\r\f]+")  # what HTML collapses to one space
_PRE_SEPARATORS = re.compile(r"([\n\r\t])")


@dataclass(frozen=True)
class Marks:
    """Run formatting from the inline elements around a piece of text."""

    # "mono", or python-docx Font properties to switch on: "bold", "italic", "strike" ...
    styles: frozenset[str] = frozenset()
    link: str | None = None  # an http(s) or mailto URL

    def with_style(self, style: str) -> Marks:
        return replace(self, styles=self.styles | {style})


class Runs:
    """Adds runs to a paragraph made only once there is something to show, collapsing
    whitespace as a browser would unless `preformatted`."""

    def __init__(self, new_paragraph: Callable[[], Paragraph], preformatted: bool = False):
        self._new_paragraph = new_paragraph
        self._paragraph: Paragraph | None = None
        self._preformatted = preformatted
        self._line_start = True  # a space here would be leading whitespace: dropped
        self._link: tuple[str, BaseOxmlElement] | None = None  # the open w:hyperlink
        self._space_pending = False
        self._last_text: CT_Text | None = None  # the w:t a pending space would go to

    def text(self, text: str, marks: Marks) -> None:
        if not self._preformatted:
            text = SPACES.sub(" ", text)
            if self._line_start or self._space_pending:
                text = text.lstrip(" ")
        if not text:
            return
        self._flush_space()
        paragraph = self._ensure_paragraph()
        run = paragraph.add_run()
        _format(run, marks)
        if self._preformatted:
            _add_preformatted(run, text)
        else:
            # A trailing space waits for what follows: at the end of a line it must go.
            self._space_pending = text.endswith(" ")
            self._last_text = run._r.add_t(text.removesuffix(" "))
        if marks.link is None:
            self._link = None
        else:
            if self._link is None or self._link[0] != marks.link:
                self._link = (marks.link, ooxml.hyperlink(paragraph, marks.link))
            ooxml.style_as_link(run)
            self._link[1].append(run._r)  # moved into the link, which ends the paragraph
        self._line_start = False

    def line_break(self) -> None:
        self._space_pending = False
        self._ensure_paragraph().add_run().add_break()
        self._line_start, self._link = True, None

    def picture(self, image: CourseImage | None, alt: str, marks: Marks) -> None:
        size = _picture_size(image.data) if image is not None else None
        if image is None or size is None:
            self.text(f"[image: {alt}]" if alt else "[image]", marks.with_style("italic"))
            return
        self._flush_space()
        width, height = size
        if width > MAX_PICTURE_WIDTH:
            width, height = MAX_PICTURE_WIDTH, height * MAX_PICTURE_WIDTH // width
        run = self._ensure_paragraph().add_run()
        run.add_picture(io.BytesIO(image.data), width=Emu(width), height=Emu(height))
        self._line_start, self._link = False, None

    def finish(self) -> None:
        """End the paragraph: a pending space is dropped, as is the last newline of a
        `<pre>` (HTML shows neither)."""
        self._space_pending = False
        if self._preformatted and self._paragraph is not None and self._paragraph.runs:
            last = self._paragraph.runs[-1]
            if last.text.endswith("\n"):
                last.text = last.text[:-1]

    def _flush_space(self) -> None:
        if self._space_pending and self._last_text is not None:
            self._last_text.text = (self._last_text.text or "") + " "
            self._last_text.set(qn("xml:space"), "preserve")
        self._space_pending = False

    def _ensure_paragraph(self) -> Paragraph:
        if self._paragraph is None:
            self._paragraph = self._new_paragraph()
        return self._paragraph


def _format(run: Run, marks: Marks) -> None:
    # Only what is set: leaving the rest unset keeps the paragraph style's (a bold heading).
    font = run.font
    for style in marks.styles:
        if style == "mono":
            ooxml.monospace(run)
        else:
            setattr(font, style, True)


def _add_preformatted(run: Run, text: str) -> None:
    """`text` with its line breaks and tabs as Word's own elements (w:br, w:tab)."""
    for part in _PRE_SEPARATORS.split(text.replace("\r\n", "\n")):
        if part in ("\n", "\r"):
            run._r.add_br()
        elif part == "\t":
            run._r.add_tab()
        elif part:
            run._r.add_t(part)


def _picture_size(data: bytes) -> tuple[int, int] | None:
    """Width and height in EMU for `data`, or None when python-docx cannot place it."""
    try:
        image = Image.from_blob(data)
        width, height = int(image.width), int(image.height)
    except Exception:  # untrusted bytes: any parsing failure just means "not a picture"
        return None
    return (width, height) if width > 0 and height > 0 else None
