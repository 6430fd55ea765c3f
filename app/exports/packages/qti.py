"""A module quiz as an IMS QTI 1.2.1 assessment in the Common Cartridge 1.3 profile.

Items use the CC profile `cc.multiple_choice.v0p1`: one `response_lid` with single
cardinality, full score (100) for the right choice, and the rationale as general feedback
shown whatever was answered.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument, QuizItem
from app.exports.packages.files import draft_title, safe_name
from app.exports.packages.layout import Unit
from app.exports.packages.xml import XSI, el, to_bytes

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_qtiasiv1p2p1_v1p0.xsd"
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"


def assessment(document: CourseDocument, unit: Unit) -> bytes:
    title = draft_title(document, unit.title)
    root = el(
        "questestinterop",
        {"xmlns": QTI_NS, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{QTI_NS} {QTI_SCHEMA}"},
        el(
            "assessment",
            {"ident": f"QTI-{unit.key}", "title": title},
            _metadata(
                "qtimetadata",
                cc_profile="cc.exam.v0p1",
                qmd_assessmenttype="Examination",
                cc_maxattempts="unlimited",
            ),
            el("section", {"ident": f"QTI-{unit.key}-section"}, (_item(i) for i in unit.quiz)),
        ),
    )
    return to_bytes(root)


def _item(item: QuizItem) -> ET.Element:
    ident = f"QTI-{safe_name(item.key)}"
    right = f"{ident}-choice-{item.answer_index}"
    return el(
        "item",
        {"ident": ident, "title": item.question[:80]},
        el(
            "itemmetadata",
            None,
            _metadata("qtimetadata", cc_profile="cc.multiple_choice.v0p1", cc_weighting="1"),
        ),
        el(
            "presentation",
            None,
            _material(item.question),
            el(
                "response_lid",
                {"ident": "response1", "rcardinality": "Single"},
                el(
                    "render_choice",
                    None,
                    (
                        el("response_label", {"ident": f"{ident}-choice-{index}"}, _material(text))
                        for index, text in enumerate(item.choices)
                    ),
                ),
            ),
        ),
        el(
            "resprocessing",
            None,
            el(
                "outcomes",
                None,
                el(
                    "decvar",
                    {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
                ),
            ),
            el(
                "respcondition",
                {"continue": "Yes"},
                el("conditionvar", None, el("other")),
                el("displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"}),
            ),
            el(
                "respcondition",
                {"continue": "No"},
                el("conditionvar", None, el("varequal", {"respident": "response1"}, text=right)),
                el("setvar", {"action": "Set", "varname": "SCORE"}, text="100"),
            ),
        ),
        el(
            "itemfeedback",
            {"ident": "general_fb"},
            el("flow_mat", None, _material(item.rationale)),
        ),
    )


def _material(text: str) -> ET.Element:
    return el("material", None, el("mattext", {"texttype": "text/plain"}, text=text))


def _metadata(tag: str, **fields: str) -> ET.Element:
    return el(
        tag,
        None,
        (
            el(
                "qtimetadatafield",
                None,
                el("fieldlabel", None, text=label),
                el("fieldentry", None, text=entry),
            )
            for label, entry in fields.items()
        ),
    )


def assessment_path(unit: Unit) -> str:
    return f"{unit.key}/assessment.xml"
