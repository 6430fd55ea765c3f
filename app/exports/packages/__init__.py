"""LMS packages built from a CourseDocument: pure functions returning path -> bytes maps.

Each builder returns every file of one package (manifest, pages, scripts, assets) and does
no I/O; `zip_package` turns the map into deterministic zip bytes for storage or download.
"""

from app.exports.packages.cmi5 import build_cmi5
from app.exports.packages.common_cartridge import build_common_cartridge
from app.exports.packages.files import PackageFiles, zip_package
from app.exports.packages.scorm12 import build_scorm12
from app.exports.packages.scorm2004 import build_scorm2004

__all__ = [
    "PackageFiles",
    "build_cmi5",
    "build_common_cartridge",
    "build_scorm12",
    "build_scorm2004",
    "zip_package",
]
