"""Reading packages back in tests: XML, schemas, the files a manifest or page refers to."""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import xmlschema

from app.exports.packages import PackageFiles

STANDARDS = Path(__file__).resolve().parents[2] / "data" / "standards"

SCORM12_NAMESPACES = {
    "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1": "imsmd_rootv1p2p1.xsd",
}
SCORM2004_NAMESPACES = {
    "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
}


def parse(data: bytes) -> ET.Element:
    # Our own builders' output, not untrusted input, so the stdlib parser is fine here.
    return ET.fromstring(data)  # noqa: S314


def _schema(folder: str, main: str, imports: dict[str, str]) -> xmlschema.XMLSchema11:
    base = STANDARDS / folder
    schema = xmlschema.XMLSchema11(
        str(base / main), locations=[(ns, str(base / name)) for ns, name in imports.items()]
    )
    # xmlschema only warns when an import fails; a half-loaded set would pass lax content.
    missing = set(imports) - set(schema.maps.namespaces)
    assert not missing, f"schemas not loaded: {missing}"
    return schema


@functools.cache
def scorm12_schema() -> xmlschema.XMLSchema11:
    return _schema("scorm12", "imscp_rootv1p1p2.xsd", SCORM12_NAMESPACES)


@functools.cache
def scorm2004_schema() -> xmlschema.XMLSchema11:
    return _schema("scorm2004-4th", "imscp_v1p1.xsd", SCORM2004_NAMESPACES)


@functools.cache
def cmi5_schema() -> xmlschema.XMLSchema11:
    return _schema("cmi5", "CourseStructure.xsd", {})


def schema_errors(schema: xmlschema.XMLSchema11, data: bytes) -> list[str]:
    return [str(error) for error in schema.iter_errors(io.BytesIO(data))]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def find_all(root: ET.Element, name: str) -> list[ET.Element]:
    """Elements by local name, whatever their namespace."""
    return [element for element in root.iter() if local(element.tag) == name]


def attribute(element: ET.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace."""
    return next((v for k, v in element.attrib.items() if local(k) == name), None)


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in {"src", "href"} and v is not None]


def page_references(html: bytes) -> set[str]:
    """Package paths a page loads or links to (data: URIs and fragments aside)."""
    parser = _References()
    parser.feed(html.decode())
    paths = set()
    for reference in parser.found:
        parts = urlsplit(reference)
        if parts.scheme or reference.startswith("#"):
            assert parts.scheme == "data", f"page refers outside the package: {reference}"
            continue
        paths.add(parts.path)
    return paths


def manifest_files(files: PackageFiles, manifest: str) -> set[str]:
    """Every `file href` of an IMS content package manifest."""
    root = parse(files[manifest])
    return {f.attrib["href"] for f in find_all(root, "file")}


def all_page_references(files: PackageFiles) -> set[str]:
    pages = [data for path, data in files.items() if path.endswith(".html")]
    return {reference for page in pages for reference in page_references(page)}


# Namespace names and schema locations are identifiers of the XML vocabulary, not fetched.
_DECLARATIONS = re.compile(r'\s(?:xmlns(?::\w+)?|xsi:schemaLocation)="[^"]*"')
# xAPI verb and cmi5 category/extension IRIs are identifiers too (cmi5 mandates them).
XAPI_IDENTIFIERS = re.compile(
    r"http://adlnet\.gov/expapi/verbs/|https://w3id\.org/xapi/cmi5/context/[a-z/]+"
)
REMOTE_URL = re.compile(rb"https?://|//[A-Za-z0-9.-]+\.[a-z]{2,}/")


def remote_urls(files: PackageFiles) -> dict[str, list[bytes]]:
    """Per file, each remote URL left after dropping XML declarations and xAPI IRIs."""
    found = {}
    for path, data in files.items():
        text = data
        if path.endswith((".xml", ".js")):
            cleaned = XAPI_IDENTIFIERS.sub("", _DECLARATIONS.sub("", data.decode()))
            text = cleaned.encode()
        if hits := REMOTE_URL.findall(text):
            found[path] = hits
    return found
