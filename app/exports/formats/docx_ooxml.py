"""The WordprocessingML python-docx has no API for: hyperlinks, restarted list numbering and
horizontal rules, written as the elements Word itself writes."""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

MONOSPACE = "Courier New"
# The order paragraph properties must appear in (ECMA-376 CT_PPr), up to where it matters here.
_PARAGRAPH_PROPERTIES = (
    *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr"),
    *("w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs"),
    *("w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct"),
    *("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd"),
    *("w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents"),
    *("w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment"),
    *("w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr"),
    "w:pPrChange",
)
LINK_COLOR = RGBColor(0x05, 0x63, 0xC1)  # Word's own hyperlink blue


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    """A `tag` element; attributes are in the `w:` namespace unless prefixed (`r:id`)."""
    qualified = {qn(name if ":" in name else f"w:{name}"): v for name, v in attributes.items()}
    return OxmlElement(tag, qualified)  # a plain lxml element for tags python-docx lacks


def hyperlink(paragraph: Paragraph, url: str) -> BaseOxmlElement:
    """A `w:hyperlink` to `url` at the end of `paragraph`; runs moved into it become the link."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = _element("w:hyperlink", **{"r:id": relationship})
    paragraph._p.append(link)
    return link


def style_as_link(run: Run) -> None:
    run.font.color.rgb = LINK_COLOR
    run.font.underline = True


def monospace(run: Run) -> None:
    run.font.name = MONOSPACE
    # Word picks the font per script; without these, non-Latin code would fall back.
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), MONOSPACE)
    fonts.set(qn("w:cs"), MONOSPACE)


def _add_paragraph_property(paragraph: Paragraph, element: BaseOxmlElement, tag: str) -> None:
    later = _PARAGRAPH_PROPERTIES[_PARAGRAPH_PROPERTIES.index(tag) + 1 :]
    paragraph._p.get_or_add_pPr().insert_element_before(element, *later)


def bottom_border(paragraph: Paragraph) -> None:
    """A rule under `paragraph`, which is how Word shows `<hr>`."""
    borders = _element("w:pBdr")
    borders.append(_element("w:bottom", val="single", sz="6", space="1", color="auto"))
    _add_paragraph_property(paragraph, borders, "w:pBdr")


class Numbering:
    """Fresh numbering instances, so each ordered list counts from its own start instead of
    continuing the previous list that had the same style (python-docx's behaviour)."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._root = document.part.numbering_part.element
        ids = [int(value) for value in self._root.xpath("./w:num/@w:numId")]
        self._next_id = max(ids, default=0) + 1

    def restart(self, style_name: str, start: int) -> int | None:
        """A new numbering id counting from `start` for paragraphs of `style_name`, or None
        when that style is not numbered in this template."""
        style = self._document.styles[style_name]
        style_ids = style.element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        if not style_ids:
            return None
        abstract_ids = self._root.xpath(
            f'./w:num[@w:numId="{int(style_ids[0])}"]/w:abstractNumId/@w:val'
        )
        if not abstract_ids:
            return None
        num_id = self._next_id
        self._next_id += 1
        instance = _element("w:num", numId=str(num_id))
        instance.append(_element("w:abstractNumId", val=str(int(abstract_ids[0]))))
        override = _element("w:lvlOverride", ilvl="0")
        override.append(_element("w:startOverride", val=str(start)))
        instance.append(override)
        self._root.append(instance)
        return num_id


def number(paragraph: Paragraph, num_id: int) -> None:
    """Make `paragraph` an item of the numbering instance `num_id` (level 0 of its style)."""
    properties = _element("w:numPr")
    properties.append(_element("w:ilvl", val="0"))
    properties.append(_element("w:numId", val=str(num_id)))
    _add_paragraph_property(paragraph, properties, "w:numPr")
