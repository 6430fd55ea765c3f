"""SCORM 2004 4th Edition package: one SCO per lesson and quiz, modules sequenced in order
(see sequencing.py for the rules and why)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.content import content_files, sco_resource
from app.exports.packages.files import PackageFiles, course_title
from app.exports.packages.layout import Unit, all_units, plan
from app.exports.packages.metadata import ieee_lom
from app.exports.packages.sequencing import (
    module_sequencing,
    organization_sequencing,
    unit_sequencing,
)
from app.exports.packages.xml import el, to_bytes

IMSCP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP_NS = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ_NS = "http://www.adlnet.org/xsd/adlseq_v1p3"
IMSSS_NS = "http://www.imsglobal.org/xsd/imsss"
ORGANIZATION_ID = "ORG-COURSE"


def build_scorm2004(document: CourseDocument) -> PackageFiles:
    """The SCORM 2004 4th Edition package of `document`."""
    plans = plan(document)
    units = all_units(plans)
    files = content_files(document, units, "scorm2004")
    module_items = []
    for index, module_plan in enumerate(plans):
        previous = plans[index - 1] if index else None
        module_items.append(
            el(
                "item",
                {"identifier": f"ITEM-{module_plan.module.key}"},
                el("title", None, text=module_plan.module.title),
                (_sco_item(unit) for unit in module_plan.units),
                module_sequencing(document, module_plan, previous),
            )
        )
    organization = el(
        "organization",
        {"identifier": ORGANIZATION_ID, "adlseq:objectivesGlobalToSystem": "false"},
        el("title", None, text=course_title(document)),
        module_items,
        organization_sequencing(),
    )
    manifest = el(
        "manifest",
        {
            "identifier": f"COURZLY-{document.course.id}",
            "version": document.schema_version,
            "xmlns": IMSCP_NS,
            "xmlns:adlcp": ADLCP_NS,
            "xmlns:adlseq": ADLSEQ_NS,
            "xmlns:imsss": IMSSS_NS,
        },
        el(
            "metadata",
            None,
            el("schema", None, text="ADL SCORM"),
            el("schemaversion", None, text="2004 4th Edition"),
            ieee_lom(document),
        ),
        el("organizations", {"default": ORGANIZATION_ID}, organization),
        el(
            "resources",
            None,
            (sco_resource(unit, "scorm2004", "adlcp:scormType") for unit in units),
        ),
    )
    files["imsmanifest.xml"] = to_bytes(manifest)
    return files


def _sco_item(unit: Unit) -> ET.Element:
    return el(
        "item",
        {"identifier": f"ITEM-{unit.key}", "identifierref": f"RES-{unit.key}"},
        el("title", None, text=unit.title),
        unit_sequencing(unit),
    )
