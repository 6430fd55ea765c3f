"""Every export format has the name people know it by (mail says "SCORM 1.2", not
"scorm12"), and the web app names them alike."""

from __future__ import annotations

import re

from app.exports.formats import LABELS
from app.exports.formats.all import FORMATS
from app.migrate import ROOT


def test_every_format_has_a_label_matching_the_web_app() -> None:
    assert set(LABELS) == set(FORMATS)
    web = (ROOT / "frontend/src/features/exports/formats.ts").read_text(encoding="utf-8")
    for label in LABELS.values():
        assert re.search(rf'label: "{re.escape(label)}[" (]', web), label
