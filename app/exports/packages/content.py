"""The non-manifest files of a package: pages, stylesheet, scripts and assets."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.cmi5_script import CMI5_SCRIPT
from app.exports.packages.files import PackageFiles, add_unique, asset_files
from app.exports.packages.layout import PAGE_SCRIPT_PATH, STYLESHEET_PATH, Unit
from app.exports.packages.page_script import PAGE_SCRIPT
from app.exports.packages.pages import (
    STYLESHEET,
    TRACKER_SCRIPTS,
    Tracking,
    lesson_page,
    page_files,
    quiz_page,
)
from app.exports.packages.scorm_script import SCORM_SCRIPT
from app.exports.packages.xml import el

_TRACKER_SOURCES: dict[Tracking, str] = {
    "scorm12": SCORM_SCRIPT,
    "scorm2004": SCORM_SCRIPT,
    "cmi5": CMI5_SCRIPT,
}


def unit_files(unit: Unit, tracking: Tracking | None) -> list[str]:
    """Every file the unit's page needs, its own page first (the launch file)."""
    return [unit.page, *page_files(tracking), *unit.assets]


def sco_resource(unit: Unit, tracking: Tracking, scorm_type: str) -> ET.Element:
    """A SCORM `<resource>` launching the unit's page and listing every file it loads;
    `scorm_type` is the attribute's spelling in that SCORM version."""
    return el(
        "resource",
        {
            "identifier": f"RES-{unit.key}",
            "type": "webcontent",
            scorm_type: "sco",
            "href": unit.page,
        },
        (el("file", {"href": path}) for path in unit_files(unit, tracking)),
    )


def content_files(
    document: CourseDocument, units: list[Unit], tracking: Tracking | None
) -> PackageFiles:
    """Pages for `units` plus the shared files and assets they load. Assets no page uses are
    left out: no manifest would refer to them (the Course JSON export keeps them all)."""
    files: PackageFiles = {STYLESHEET_PATH: STYLESHEET.encode()}
    if tracking:
        files[PAGE_SCRIPT_PATH] = PAGE_SCRIPT.encode()
        files[TRACKER_SCRIPTS[tracking]] = _TRACKER_SOURCES[tracking].encode()
    used = {path for unit in units for path in unit.assets}
    for path, data in asset_files(document).items():
        if path in used:
            add_unique(files, path, data)
    for unit in units:
        if unit.kind == "lesson":
            page = lesson_page(document, unit, tracking)
        elif tracking:
            page = quiz_page(document, unit, tracking)
        else:
            continue  # formats without tracking carry quizzes in their own format (QTI)
        add_unique(files, unit.page, page)
    return files
