"""What every package format shares: the file map, deterministic zips, names and draft marks."""

from __future__ import annotations

import base64
import io
import re
import zipfile

from app.exports.document import Asset, CourseDocument

PackageFiles = dict[str, bytes]
"""A package before zipping: relative path (forward slashes) -> file content."""

DRAFT_SUFFIX = " (draft)"
DRAFT_NOTICE = "Draft: this course has not been approved by a reviewer yet."

# A fixed timestamp (the earliest a zip can hold) makes the same course zip to the same bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# An asset path in a page: `assets/` and a safe name, as long as the name runs.
_ASSET_REFERENCE = re.compile(r"assets/[A-Za-z0-9][A-Za-z0-9_.-]*")


def fixed_entry(path: str, compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip entry with a fixed time and mode, so equal content zips to equal bytes."""
    info = zipfile.ZipInfo(path, date_time=_ZIP_EPOCH)
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, so the mode above is what unzip applies
    return info


def zip_package(files: PackageFiles) -> bytes:
    """Zip `files` so equal input gives equal bytes: sorted entries, fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            archive.writestr(fixed_entry(path), files[path])
    return buffer.getvalue()


def safe_name(name: str) -> str:
    """A key or asset name used as a file name and inside identifiers. Names come from stored
    content, so one that could climb out of the package (`../`) or break an ID is refused."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"unsafe name for a package file: {name!r}")
    return name


def draft_title(document: CourseDocument, title: str) -> str:
    """`title`, with " (draft)" when the course is not finally approved."""
    return title + (DRAFT_SUFFIX if document.is_draft else "")


def course_title(document: CourseDocument) -> str:
    return draft_title(document, document.course.title)


def course_description(document: CourseDocument) -> str:
    """The metadata description: where an LMS catalogue shows a draft for what it is."""
    summary = "; ".join(document.course.objectives) or document.course.title
    return f"{DRAFT_NOTICE} {summary}" if document.is_draft else summary


def asset_path(asset: Asset) -> str:
    return f"assets/{safe_name(asset.name)}"


def asset_files(document: CourseDocument) -> PackageFiles:
    return {
        asset_path(asset): base64.b64decode(asset.data_base64, validate=True)
        for asset in document.assets
    }


def assets_used_by(html: str, document: CourseDocument) -> list[str]:
    """Asset paths a page refers to, so a resource can list every file its page loads.
    One pass over the page (lessons may be megabytes), then a lookup per course asset."""
    found = set(_ASSET_REFERENCE.findall(html))
    return sorted(path for asset in document.assets if (path := asset_path(asset)) in found)


def add_unique(files: PackageFiles, path: str, content: bytes) -> None:
    """Two keys mapping to one path would silently drop a page; refuse that instead."""
    if path in files:
        raise ValueError(f"two package files share the path {path!r}")
    files[path] = content
