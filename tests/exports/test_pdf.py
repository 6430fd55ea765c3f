"""PDF export: readable text in lesson order, draft marking, embedded assets, no fetching."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from app.exports.formats.course_images import CourseImage
from app.exports.formats.pdf import BASE_URL, AssetFetcher, RefusedURL, render
from app.exports.packages.files import DRAFT_NOTICE
from tests.exports.counting_server import counting_server
from tests.exports.packages.sample import PIXEL_PNG
from tests.exports.rich_course import LESSONS, hostile_html, rich_document

PASSWD_LINE = "root:x:0:0"  # the first line of /etc/passwd on Linux


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def image_count(pdf: bytes) -> int:
    """Distinct image XObjects in the resources of any page."""
    images: set[bytes] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        xobjects = resources.get("/XObject", DictionaryObject()).get_object()
        assert isinstance(xobjects, DictionaryObject)
        for reference in xobjects.values():
            xobject = reference.get_object()
            if isinstance(xobject, StreamObject) and xobject.get("/Subtype") == "/Image":
                images.add(xobject.get_data())
    return len(images)


def embedded_files(pdf: bytes) -> list[bytes]:
    """Every file the PDF carries: document attachments and file attachment annotations
    (what WeasyPrint makes of `<a rel="attachment">`)."""
    reader = PdfReader(io.BytesIO(pdf))
    files = [data for contents in reader.attachments.values() for data in contents]
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                files.append(annotation["/FS"]["/EF"]["/F"].get_object().get_data())
    return files


def outline_titles(items: list[Any]) -> list[Any]:
    """The PDF outline (bookmarks) as titles, nested lists for children."""
    return [outline_titles(item) if isinstance(item, list) else item.title for item in items]


def test_lessons_come_in_order_each_starting_a_page_with_contents_and_metadata() -> None:
    pdf = render(rich_document(approved=True))
    pages = pages_text(pdf)

    first_pages = []
    for _module, title, marker in LESSONS:
        [page] = [number for number, text in enumerate(pages) if marker in text]
        assert pages[page].splitlines()[1] == title  # the module name, then the lesson title
        first_pages.append(page)
    assert first_pages == sorted(first_pages)
    assert len(set(first_pages)) == len(LESSONS)
    contents = next(text for text in pages if text.startswith("Contents"))
    for _module, title, _marker in LESSONS:
        assert title in contents
    assert "Quiz: Module One" in contents
    quiz = next(text for text in pages if text.startswith("Quiz: Module One"))
    assert "Alpha (answer)" in quiz
    assert "Why: Choice 1 is right because the lesson says so." in quiz
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "Safe Ladders"
    assert str(reader.root_object["/Lang"]) == "en-GB"
    assert outline_titles(reader.outline) == [
        "Module One",
        ["First lesson", "Second lesson", "Quiz: Module One"],
        "Module Two",
        ["Third lesson", "Quiz: Module Two"],
    ]


def test_a_draft_says_so_on_the_title_page_and_on_every_page() -> None:
    pdf = render(rich_document(approved=False))
    pages = pages_text(pdf)

    assert pages[0].startswith("DRAFT\nSafe Ladders")
    for text in pages:
        assert DRAFT_NOTICE in text  # the running footer
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Safe Ladders (draft)"


def test_an_approved_course_has_no_draft_mark() -> None:
    pages = pages_text(render(rich_document(approved=True)))

    assert pages[0].startswith("Safe Ladders")
    assert not any("draft" in text.lower() for text in pages)


def test_an_image_asset_a_lesson_shows_is_embedded() -> None:
    assert image_count(render(rich_document(with_image=True))) == 1
    # Control: the same course whose lessons show no image embeds none (the unused asset
    # stays out too), so the count above comes from the lesson's image.
    assert image_count(render(rich_document(with_image=False))) == 0


def test_a_hostile_lesson_makes_no_request_and_embeds_no_local_file() -> None:
    with counting_server() as server:
        document = rich_document(second_lesson_html=hostile_html(server.base_url))
        pdf = render(document)

    assert server.requests == []
    text = "\n".join(pages_text(pdf))
    assert "[image: remote]" in text
    assert "scripted" not in text
    assert PASSWD_LINE not in text
    assert PASSWD_LINE.encode() not in pdf
    assert embedded_files(pdf) == []


class RecordingFetcher(AssetFetcher):
    def __init__(self, images: dict[str, CourseImage]) -> None:
        super().__init__(images)
        self.urls: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        self.urls.append(url)
        return super().fetch(url, headers)


def test_the_fetcher_alone_stops_every_load_of_unsanitized_html() -> None:
    # Straight to WeasyPrint, without the lesson clean-up render() does first.
    with counting_server() as server:
        html = hostile_html(server.base_url)
        fetcher = RecordingFetcher({})
        guarded = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
        guarded_requests = list(server.requests)
        # Control: WeasyPrint's own fetcher on the same HTML does load from the server and
        # embeds the local file, so the assertions below can fail. (Relative URLs resolve
        # against the local server here, and only http and file are allowed: the control
        # itself must not reach past this machine.)
        control = URLFetcher(allowed_protocols=("http", "file"))
        base_url = f"{server.base_url}/"
        unguarded = HTML(string=html, base_url=base_url, url_fetcher=control).write_pdf()

    assert f"{server.base_url}/img.png" in fetcher.urls  # WeasyPrint asked; it was refused
    assert "file:///etc/passwd" in fetcher.urls
    assert guarded_requests == []
    assert embedded_files(guarded) == []
    assert len(server.requests) > 0
    assert any(PASSWD_LINE.encode() in data for data in embedded_files(unguarded))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/assets/diagram.png",
        "https://127.0.0.1:9/assets/diagram.png",
        "http://course-assets.invalid/assets/diagram.png",
        "https://course-assets.invalid/assets/diagram.png?v=2",
        "https://course-assets.invalid/assets/missing.png",
        "https://course-assets.invalid/elsewhere/diagram.png",
        "https://course-assets.invalid/etc/passwd",
        "file:///etc/passwd",
        "ftp://127.0.0.1/assets/diagram.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "assets/diagram.png",
    ],
)
def test_the_fetcher_refuses_everything_but_course_assets(url: str) -> None:
    fetcher = AssetFetcher({"diagram.png": CourseImage("diagram.png", "image/png", PIXEL_PNG)})

    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


def test_the_fetcher_serves_a_course_asset() -> None:
    fetcher = AssetFetcher({"a b.png": CourseImage("a b.png", "image/png", PIXEL_PNG)})

    response = fetcher.fetch(f"{BASE_URL}assets/a%20b.png")

    assert response.read() == PIXEL_PNG
    assert response.content_type == "image/png"


def test_the_same_course_renders_to_the_same_bytes() -> None:
    assert render(rich_document()) == render(rich_document())
