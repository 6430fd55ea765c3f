"""What every format must hold: complete file lists, draft marks, no remote URLs, stable zips."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

from app.exports.document import Asset, CourseDocument
from app.exports.packages import (
    PackageFiles,
    build_cmi5,
    build_common_cartridge,
    build_scorm12,
    build_scorm2004,
    zip_package,
)
from app.exports.packages.files import DRAFT_NOTICE
from tests.exports.packages.checks import (
    all_page_references,
    attribute,
    find_all,
    manifest_files,
    page_references,
    parse,
    remote_urls,
)
from tests.exports.packages.sample import sample_document

Builder = Callable[[CourseDocument], PackageFiles]
FORMATS: dict[str, tuple[Builder, str]] = {
    "scorm12": (build_scorm12, "imsmanifest.xml"),
    "scorm2004": (build_scorm2004, "imsmanifest.xml"),
    "cmi5": (build_cmi5, "cmi5.xml"),
    "common_cartridge": (build_common_cartridge, "imsmanifest.xml"),
}
CONTENT_PACKAGES = ["scorm12", "scorm2004", "common_cartridge"]


def build(name: str, *, approved: bool = False) -> PackageFiles:
    builder, _ = FORMATS[name]
    return builder(sample_document(approved=approved))


def declared_files(name: str, files: PackageFiles) -> set[str]:
    manifest = FORMATS[name][1]
    if name == "cmi5":
        return {url.text or "" for url in find_all(parse(files[manifest]), "url")}
    return manifest_files(files, manifest)


@pytest.mark.parametrize("name", FORMATS)
def test_every_reference_exists_and_every_file_is_referenced(name: str) -> None:
    files = build(name)
    manifest = FORMATS[name][1]
    referenced = declared_files(name, files) | all_page_references(files)

    assert referenced - set(files) == set()
    assert set(files) - referenced == {manifest}
    assert "assets/spare.png" not in files  # an asset no lesson uses is left out


@pytest.mark.parametrize("name", CONTENT_PACKAGES)
def test_each_resource_lists_every_file_its_page_loads(name: str) -> None:
    files = build(name)
    resources = find_all(parse(files["imsmanifest.xml"]), "resource")
    launched = [r for r in resources if r.get("href")]

    # 4 lessons and 2 quizzes as SCOs; a cartridge launches lessons only (quizzes are QTI).
    assert len(launched) == (4 if name == "common_cartridge" else 6)
    for resource in launched:
        listed = {f.attrib["href"] for f in find_all(resource, "file")}
        href = resource.attrib["href"]
        assert href in listed
        assert page_references(files[href]) <= listed, href


@pytest.mark.parametrize("name", FORMATS)
def test_a_draft_says_so_in_title_metadata_and_every_page(name: str) -> None:
    files = build(name)
    root = parse(files[FORMATS[name][1]])
    texts = [element.text or "" for element in root.iter()]

    assert "Safe Ladders (draft)" in texts
    assert any(t.startswith(DRAFT_NOTICE) for t in texts), "metadata description"
    pages = [path for path in files if path.endswith(".html")]
    assert pages
    for path in pages:
        html = files[path].decode()
        assert f'<p class="courzly-draft" role="note">{DRAFT_NOTICE}</p>' in html, path
        assert "(draft)</title>" in html, path


@pytest.mark.parametrize("name", FORMATS)
def test_an_approved_course_carries_no_draft_mark(name: str) -> None:
    files = build(name, approved=True)

    for path, data in files.items():
        assert b"(draft)" not in data, path
        assert DRAFT_NOTICE.encode() not in data, path
    assert "Safe Ladders" in [e.text for e in parse(files[FORMATS[name][1]]).iter()]


@pytest.mark.parametrize("name", FORMATS)
def test_no_remote_url_in_any_file(name: str) -> None:
    assert remote_urls(build(name)) == {}


def test_the_remote_url_check_catches_one() -> None:
    files = build("scorm12")
    files["m1-l1.html"] += b'<img src="https://cdn.example.com/x.png">'
    files["imsmanifest.xml"] += b"<!-- //cdn.example.com/y -->"

    assert set(remote_urls(files)) == {"m1-l1.html", "imsmanifest.xml"}


@pytest.mark.parametrize("name", FORMATS)
def test_zip_is_deterministic_and_holds_every_file(name: str) -> None:
    files = build(name)
    archive = zip_package(files)

    assert zip_package(build(name)) == archive
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.namelist() == sorted(files)
        assert {n: opened.read(n) for n in opened.namelist()} == files
        assert {info.date_time for info in opened.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("name", FORMATS)
def test_pages_carry_lesson_html_and_escape_every_other_text(name: str) -> None:
    files = build(name)
    lesson = files["m1-l1.html"].decode()

    assert '<p><img src="assets/diagram.png" alt="Diagram"></p>' in lesson
    assert files["assets/diagram.png"].startswith(b"\x89PNG")
    quiz_pages = [data.decode() for path, data in files.items() if path.endswith("quiz.html")]
    for quiz in quiz_pages:
        assert "&lt;b&gt;not bold&lt;/b&gt;" in quiz
        assert "<b>not bold</b>" not in quiz
        assert "Beta &amp; gamma" in quiz


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("asset_name", ["../escape.png", "a/b.png", ".hidden", "x..png"])
def test_an_asset_name_that_could_leave_the_package_is_refused(name: str, asset_name: str) -> None:
    document = sample_document()
    bad = Asset(name=asset_name, media_type="image/png", data_base64="AA==")
    document = document.model_copy(update={"assets": [*document.assets, bad]})

    with pytest.raises(ValueError, match="unsafe name"):
        FORMATS[name][0](document)


@pytest.mark.parametrize("name", FORMATS)
def test_a_lesson_key_clashing_with_a_quiz_page_is_refused(name: str) -> None:
    document = sample_document()
    module = document.modules[0]
    clash = module.lessons[0].model_copy(update={"key": "m1-quiz"})
    module = module.model_copy(update={"lessons": [clash, *module.lessons[1:]]})
    document = document.model_copy(update={"modules": [module, *document.modules[1:]]})

    with pytest.raises(ValueError, match="unique"):
        FORMATS[name][0](document)


@pytest.mark.parametrize("name", CONTENT_PACKAGES)
def test_identifiers_are_unique_and_every_reference_resolves(name: str) -> None:
    root = parse(build(name)["imsmanifest.xml"])
    identifiers = [e.attrib["identifier"] for e in root.iter() if "identifier" in e.attrib]
    references = {attribute(e, "identifierref") for e in find_all(root, "item")} - {None}
    organizations = find_all(root, "organizations")[0]

    assert len(identifiers) == len(set(identifiers))
    assert references <= set(identifiers)
    default = organizations.get("default")
    assert default is None or default in identifiers
