"""Reading any export back as text, so one check runs against every format.

`parts` maps a part of the file (a zip entry, a PDF page) to its text. PDF link targets and
actions are a part of their own, so a `javascript:` link cannot hide in an annotation.
"""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader

TEXT_ENTRIES = (".md", ".html", ".xhtml", ".xml", ".rels", ".js", ".css", ".ncx", ".opf", ".json")
ZIPPED = {"markdown", "scorm12", "scorm2004", "cmi5", "imscc", "epub", "docx"}


def parts(fmt: str, data: bytes) -> dict[str, str]:
    if fmt in ZIPPED:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return {
            name: archive.read(name).decode()
            for name in archive.namelist()
            if name.endswith(TEXT_ENTRIES)
        }
    if fmt == "pdf":
        return _pdf_parts(data)
    return {"file": data.decode()}


def _pdf_parts(data: bytes) -> dict[str, str]:
    reader = PdfReader(io.BytesIO(data))
    found = {f"page-{n}": page.extract_text() for n, page in enumerate(reader.pages, start=1)}
    actions = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            actions.append(f"{action.get('/S')} {action.get('/URI', '')} {action.get('/JS', '')}")
    found["actions"] = "\n".join(actions)
    # Document-level scripts would run on open, whatever the pages hold.
    names = reader.root_object.get("/Names") or {}
    found["document-scripts"] = "JavaScript" if "/JavaScript" in names else ""
    return found


def all_text(fmt: str, data: bytes) -> str:
    return "\n".join(parts(fmt, data).values())
