"""cmi5.xml against the cmi5 CourseStructure.xsd, and the course shape it describes."""

from __future__ import annotations

import pytest

from app.exports.packages import build_cmi5
from app.exports.packages.layout import PASSING_SCORE
from tests.exports.packages.checks import STANDARDS, cmi5_schema, find_all, parse, schema_errors
from tests.exports.packages.sample import COURSE_ID, sample_document

CMI5 = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"


@pytest.mark.parametrize("approved", [False, True])
def test_cmi5_xml_is_schema_valid(approved: bool) -> None:
    structure = build_cmi5(sample_document(approved=approved))["cmi5.xml"]

    assert schema_errors(cmi5_schema(), structure) == []


def test_the_schema_accepts_the_official_example_and_catches_a_broken_structure() -> None:
    example = (STANDARDS / "cmi5" / "example-cmi5.xml").read_bytes()
    structure = build_cmi5(sample_document())["cmi5.xml"]

    assert schema_errors(cmi5_schema(), example) == []
    assert schema_errors(cmi5_schema(), structure.replace(b'moveOn="Passed"', b'moveOn="Done"'))
    assert schema_errors(cmi5_schema(), structure.replace(b"<url>m1-l1.html</url>", b""))


def test_a_block_per_module_and_an_au_per_lesson_and_quiz() -> None:
    files = build_cmi5(sample_document())
    root = parse(files["cmi5.xml"])
    course = root.find(f"{CMI5}course")
    blocks = root.findall(f"{CMI5}block")
    base = f"urn:courzly:course:{COURSE_ID}"

    assert course is not None
    assert course.attrib["id"] == base
    assert [b.attrib["id"] for b in blocks] == [f"{base}:block:m1", f"{base}:block:m2"]
    for block, key in zip(blocks, ["m1", "m2"], strict=True):
        aus = block.findall(f"{CMI5}au")
        assert [(au.attrib["id"], au.attrib["moveOn"]) for au in aus] == [
            (f"{base}:au:{key}-l1", "Completed"),
            (f"{base}:au:{key}-l2", "Completed"),
            (f"{base}:au:{key}-quiz", "Passed"),
        ]
        assert float(aus[2].attrib["masteryScore"]) == PASSING_SCORE
        assert "masteryScore" not in aus[0].attrib
        for au in aus:
            url = au.findtext(f"{CMI5}url")
            assert url in files
            assert b'data-courzly-tracking="cmi5"' in files[url]
            assert b'<script src="courzly-cmi5.js"></script>' in files[url]
    ids = [e.attrib["id"] for e in find_all(root, "au") + find_all(root, "block")]
    assert len(ids) == len(set(ids))
