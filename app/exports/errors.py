from __future__ import annotations

from app.core.errors import CourzlyError


class UnknownFormat(CourzlyError):
    status_code = 422
    error = "unknown_format"
    default_detail = "No such export format."


class ExportNotFound(CourzlyError):
    status_code = 404
    error = "export_not_found"
    default_detail = "No such export of this course."


class ExportNotReady(CourzlyError):
    status_code = 409
    error = "export_not_ready"
    default_detail = "This export has not finished successfully."


class LinkInvalid(CourzlyError):
    status_code = 403
    error = "link_invalid"
    default_detail = "This download link is invalid or has expired; ask for a new one."


class ImportRefused(CourzlyError):
    status_code = 422
    error = "import_refused"
    default_detail = "This course file cannot be imported."
