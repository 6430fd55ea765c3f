"""SCORM 1.2 package: IMS CP 1.1.2 manifest with ADL extensions, one SCO per lesson and quiz.

Items nest module -> SCOs, so the LMS table of contents mirrors the course. SCORM 1.2 has no
sequencing model; LMS support for `adlcp:prerequisites` is too uneven to gate modules on,
so navigation stays free and the quiz SCOs carry `adlcp:masteryscore` for passed/failed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.content import content_files, sco_resource
from app.exports.packages.files import PackageFiles, course_title
from app.exports.packages.layout import PASSING_SCORE, Unit, all_units, plan
from app.exports.packages.metadata import IMSMD_NS, imsmd_lom
from app.exports.packages.xml import el, to_bytes

IMSCP_NS = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_NS = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ORGANIZATION_ID = "ORG-COURSE"


def build_scorm12(document: CourseDocument) -> PackageFiles:
    """The SCORM 1.2 package of `document`: `imsmanifest.xml` plus pages, scripts, assets."""
    plans = plan(document)
    units = all_units(plans)
    files = content_files(document, units, "scorm12")
    organization = el(
        "organization",
        {"identifier": ORGANIZATION_ID},
        el("title", None, text=course_title(document)),
        (
            el(
                "item",
                {"identifier": f"ITEM-{p.module.key}"},
                el("title", None, text=p.module.title),
                (_sco_item(unit) for unit in p.units),
            )
            for p in plans
        ),
    )
    manifest = el(
        "manifest",
        {
            "identifier": f"COURZLY-{document.course.id}",
            "version": document.schema_version,
            "xmlns": IMSCP_NS,
            "xmlns:adlcp": ADLCP_NS,
            "xmlns:imsmd": IMSMD_NS,
        },
        el(
            "metadata",
            None,
            el("schema", None, text="ADL SCORM"),
            el("schemaversion", None, text="1.2"),
            imsmd_lom(document),
        ),
        el("organizations", {"default": ORGANIZATION_ID}, organization),
        el(
            "resources",
            None,
            (sco_resource(unit, "scorm12", "adlcp:scormtype") for unit in units),
        ),
    )
    files["imsmanifest.xml"] = to_bytes(manifest)
    return files


def _sco_item(unit: Unit) -> ET.Element:
    mastery = None
    if unit.kind == "quiz":
        # SCORM 1.2 compares cmi.core.score.raw (reported as a percentage) to this score.
        mastery = el("adlcp:masteryscore", None, text=str(round(PASSING_SCORE * 100)))
    return el(
        "item",
        {"identifier": f"ITEM-{unit.key}", "identifierref": f"RES-{unit.key}"},
        el("title", None, text=unit.title),
        mastery,
    )
