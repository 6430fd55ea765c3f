"""LMS packages as export formats: SCORM 1.2, SCORM 2004 4th Edition, cmi5, Common Cartridge.

The package builders (app/exports/packages/) return a file map; here each becomes one zip.
The extension names the standard too, so downloads of one course in several packages never
share a file name.
"""

from __future__ import annotations

from collections.abc import Callable

from app.exports.document import CourseDocument
from app.exports.formats import Format, register
from app.exports.packages import (
    PackageFiles,
    build_cmi5,
    build_common_cartridge,
    build_scorm12,
    build_scorm2004,
    zip_package,
)


def _zipped(build: Callable[[CourseDocument], PackageFiles]) -> Callable[[CourseDocument], bytes]:
    def render(document: CourseDocument) -> bytes:
        return zip_package(build(document))

    return render


SCORM12 = register(Format("scorm12", "scorm12.zip", "application/zip", _zipped(build_scorm12)))
SCORM2004 = register(
    Format("scorm2004", "scorm2004.zip", "application/zip", _zipped(build_scorm2004))
)
CMI5 = register(Format("cmi5", "cmi5.zip", "application/zip", _zipped(build_cmi5)))
COMMON_CARTRIDGE = register(
    Format("imscc", "imscc", "application/vnd.ims.imsccv1p3", _zipped(build_common_cartridge))
)
