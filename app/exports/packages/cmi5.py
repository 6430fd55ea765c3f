"""cmi5 package: `cmi5.xml` (CourseStructure) with a block per module and an AU per page.

Lessons move on when Completed, quizzes when Passed (with the mastery score the page also
uses). IDs are `urn:` IRIs built from the course id: stable across exports of the same course,
as cmi5 LMSs key learner records on them, and never a web address.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.content import content_files
from app.exports.packages.files import PackageFiles, course_description, course_title
from app.exports.packages.layout import PASSING_SCORE, ModulePlan, Unit, all_units, plan
from app.exports.packages.xml import el, to_bytes

CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


def build_cmi5(document: CourseDocument) -> PackageFiles:
    """The cmi5 package of `document`: `cmi5.xml` plus the AU pages and what they load."""
    plans = plan(document)
    files = content_files(document, all_units(plans), "cmi5")
    base = f"urn:courzly:course:{document.course.id}"
    language = document.course.language
    structure = el(
        "courseStructure",
        {"xmlns": CMI5_NS},
        el(
            "course",
            {"id": base},
            _text("title", course_title(document), language),
            _text("description", course_description(document), language),
        ),
        (_block(base, module_plan, language) for module_plan in plans),
    )
    files["cmi5.xml"] = to_bytes(structure)
    return files


def _block(base: str, module_plan: ModulePlan, language: str) -> ET.Element:
    module = module_plan.module
    return el(
        "block",
        {"id": f"{base}:block:{module.key}"},
        _text("title", module.title, language),
        _text("description", module.summary or module.title, language),
        (_au(base, unit, language) for unit in module_plan.units),
    )


def _au(base: str, unit: Unit, language: str) -> ET.Element:
    quiz = unit.kind == "quiz"
    return el(
        "au",
        {
            "id": f"{base}:au:{unit.key}",
            "moveOn": "Passed" if quiz else "Completed",
            "masteryScore": f"{PASSING_SCORE:.2f}" if quiz else None,
            "launchMethod": "AnyWindow",
        },
        _text("title", unit.title, language),
        _text("description", unit.description, language),
        el("url", None, text=unit.page),
    )


def _text(tag: str, value: str, language: str) -> ET.Element:
    return el(tag, None, el("langstring", {"lang": language}, text=value))
