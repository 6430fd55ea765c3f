"""PDF (WeasyPrint): the course as a printable book, rendered from print HTML (pdf_page).

WeasyPrint loads every image, stylesheet, font and attachment through its URL fetcher, and
its default fetcher opens http, https, ftp and file URLs. Lesson HTML is sanitized and
rebuilt before it gets here, but the fetcher is the guarantee: it answers only the
course's own assets, under a base URL on the reserved `.invalid` domain (RFC 6761), and
refuses every other URL, so rendering never reads a file or opens a connection.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from app.exports.document import CourseDocument
from app.exports.formats import Format, register
from app.exports.formats.course_images import IMAGE_TYPES, CourseImage, decoded_images
from app.exports.formats.pdf_page import print_html
from app.exports.sanitize import ASSET_PREFIX

ASSET_HOST = "course-assets.invalid"
BASE_URL = f"https://{ASSET_HOST}/"  # so `assets/x.png` resolves to a URL the fetcher knows


class RefusedURL(ValueError):
    """WeasyPrint treats a fetcher error as a missing resource and carries on."""


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `BASE_URL + "assets/<name>"` from the course; refuses everything else."""

    def __init__(self, images: dict[str, CourseImage]) -> None:
        super().__init__(allowed_protocols=())  # should anything reach the base class
        self._images = images

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        image = self.image_for(url)
        if image is None:
            raise RefusedURL(f"only course assets are loaded, not {url[:200]!r}")
        return URLFetcherResponse(url, image.data, {"Content-Type": image.media_type})

    def image_for(self, url: str) -> CourseImage | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        prefix = "/" + ASSET_PREFIX
        if (parts.scheme, parts.netloc) != ("https", ASSET_HOST) or parts.query:
            return None
        if not parts.path.startswith(prefix):
            return None
        return self._images.get(unquote(parts.path[len(prefix) :]))


def render(document: CourseDocument) -> bytes:
    images = {
        name: image
        for name, image in decoded_images(document).items()
        if image.media_type in IMAGE_TYPES
    }
    html = print_html(document, set(images))
    pdf: bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=AssetFetcher(images)).write_pdf()
    return pdf


PDF = register(Format("pdf", "pdf", "application/pdf", render))
