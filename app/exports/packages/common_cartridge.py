"""IMS Common Cartridge 1.3 package: lessons as web content, module quizzes as QTI 1.2.1.

A cartridge has no run-time API, so lesson pages carry no tracking script and quizzes are
scored by the importing LMS from the QTI files. The organization is the one
`rooted-hierarchy` CC allows: a root item holding one folder item per module.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.content import content_files, unit_files
from app.exports.packages.files import PackageFiles, add_unique, course_title
from app.exports.packages.layout import Unit, all_units, plan
from app.exports.packages.metadata import ieee_lom
from app.exports.packages.qti import ASSESSMENT_TYPE, assessment, assessment_path
from app.exports.packages.xml import XSI, el, to_bytes

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOM_MANIFEST_NS = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
CC_SCHEMAS = (
    f"{CC_NS} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOM_MANIFEST_NS} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
)


def build_common_cartridge(document: CourseDocument) -> PackageFiles:
    """The IMS Common Cartridge 1.3 package of `document` (an `.imscc` zip)."""
    plans = plan(document)
    units = all_units(plans)
    files = content_files(document, units, None)
    for unit in units:
        if unit.kind == "quiz":
            add_unique(files, assessment_path(unit), assessment(document, unit))
    root_item = el(
        "item",
        {"identifier": "ITEM-ROOT"},
        (
            el(
                "item",
                {"identifier": f"ITEM-{p.module.key}"},
                el("title", None, text=p.module.title),
                (
                    el(
                        "item",
                        {"identifier": f"ITEM-{u.key}", "identifierref": f"RES-{u.key}"},
                        el("title", None, text=u.title),
                    )
                    for u in p.units
                ),
            )
            for p in plans
        ),
    )
    manifest = el(
        "manifest",
        {
            "identifier": f"COURZLY-{document.course.id}",
            "xmlns": CC_NS,
            "xmlns:lomimscc": LOM_MANIFEST_NS,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": CC_SCHEMAS,
        },
        el(
            "metadata",
            None,
            el("schema", None, text="IMS Common Cartridge"),
            el("schemaversion", None, text="1.3.0"),
            ieee_lom(document, prefix="lomimscc:", namespace=None),
        ),
        el(
            "organizations",
            None,
            el(
                "organization",
                {"identifier": "ORG-COURSE", "structure": "rooted-hierarchy"},
                el("title", None, text=course_title(document)),
                root_item,
            ),
        ),
        el(
            "resources",
            None,
            (_resource(unit) for unit in units),
        ),
    )
    files["imsmanifest.xml"] = to_bytes(manifest)
    return files


def _resource(unit: Unit) -> ET.Element:
    if unit.kind == "quiz":
        return el(
            "resource",
            {"identifier": f"RES-{unit.key}", "type": ASSESSMENT_TYPE},
            el("file", {"href": assessment_path(unit)}),
        )
    return el(
        "resource",
        {"identifier": f"RES-{unit.key}", "type": "webcontent", "href": unit.page},
        (el("file", {"href": path}) for path in unit_files(unit, None)),
    )
