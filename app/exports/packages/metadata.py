"""Course-level metadata each manifest carries: title and description (which says "draft")."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.files import course_description, course_title
from app.exports.packages.xml import el

IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"


def imsmd_lom(document: CourseDocument) -> ET.Element:
    """IMS Metadata 1.2.1 (the SCORM 1.2 binding), prefix `imsmd:` declared on the root."""
    language = {"xml:lang": document.course.language}

    def text(tag: str, value: str) -> ET.Element:
        return el(f"imsmd:{tag}", None, el("imsmd:langstring", language, text=value))

    return el(
        "imsmd:lom",
        None,
        el(
            "imsmd:general",
            None,
            text("title", course_title(document)),
            el("imsmd:language", None, text=document.course.language),
            text("description", course_description(document)),
        ),
    )


def ieee_lom(
    document: CourseDocument, prefix: str = "", namespace: str | None = LOM_NS
) -> ET.Element:
    """IEEE LOM `general` (SCORM 2004 inline metadata; Common Cartridge with `lomimscc:`)."""
    language = document.course.language

    def text(tag: str, value: str) -> ET.Element:
        return el(f"{prefix}{tag}", None, el(f"{prefix}string", {"language": language}, text=value))

    return el(
        f"{prefix}lom",
        {"xmlns": namespace},
        el(
            f"{prefix}general",
            None,
            text("title", course_title(document)),
            el(f"{prefix}language", None, text=language),
            text("description", course_description(document)),
        ),
    )
