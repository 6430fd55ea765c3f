"""IMS Common Cartridge 1.3, checked structurally (no official XSD is available offline):
the CC namespaces and version, the single rooted hierarchy, web content lessons, and QTI
1.2.1 multiple-choice items in the CC profile whose scoring points at the right choice."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.packages import build_common_cartridge
from app.exports.packages.common_cartridge import CC_NS, LOM_MANIFEST_NS
from app.exports.packages.qti import ASSESSMENT_TYPE, QTI_NS
from tests.exports.packages.checks import find_all, parse
from tests.exports.packages.sample import sample_document

CC = "{" + CC_NS + "}"
QTI = "{" + QTI_NS + "}"


def test_manifest_declares_common_cartridge_1_3() -> None:
    root = parse(build_common_cartridge(sample_document())["imsmanifest.xml"])

    assert root.tag == f"{CC}manifest"
    assert root.findtext(f"{CC}metadata/{CC}schema") == "IMS Common Cartridge"
    assert root.findtext(f"{CC}metadata/{CC}schemaversion") == "1.3.0"
    assert root.find(f"{CC}metadata/{{{LOM_MANIFEST_NS}}}lom") is not None


def test_one_rooted_hierarchy_with_a_folder_per_module() -> None:
    root = parse(build_common_cartridge(sample_document())["imsmanifest.xml"])
    organizations = root.findall(f"{CC}organizations/{CC}organization")

    assert len(organizations) == 1
    assert organizations[0].attrib["structure"] == "rooted-hierarchy"
    (root_item,) = organizations[0].findall(f"{CC}item")
    assert "identifierref" not in root_item.attrib
    folders = root_item.findall(f"{CC}item")
    assert [f.findtext(f"{CC}title") for f in folders] == ["Module 1", "Module 2"]
    for folder, key in zip(folders, ["m1", "m2"], strict=True):
        refs = [i.attrib["identifierref"] for i in folder.findall(f"{CC}item")]
        assert refs == [f"RES-{key}-l1", f"RES-{key}-l2", f"RES-{key}-quiz"]


def test_lessons_are_web_content_and_quizzes_are_qti_assessments() -> None:
    files = build_common_cartridge(sample_document())
    root = parse(files["imsmanifest.xml"])
    resources = {r.attrib["identifier"]: r for r in root.iter(f"{CC}resource")}

    for key in ("m1-l1", "m1-l2", "m2-l1", "m2-l2"):
        lesson = resources[f"RES-{key}"]
        assert lesson.attrib["type"] == "webcontent"
        assert lesson.attrib["href"] == f"{key}.html"
        assert b"<script" not in files[f"{key}.html"]  # a cartridge has no run-time API
    for key in ("m1-quiz", "m2-quiz"):
        quiz = resources[f"RES-{key}"]
        assert quiz.attrib["type"] == ASSESSMENT_TYPE
        assert "href" not in quiz.attrib
        (qti_file,) = quiz.findall(f"{CC}file")
        assert qti_file.attrib["href"] == f"{key}/assessment.xml"
        assert f"{key}.html" not in files


def test_qti_items_are_cc_multiple_choice_scored_on_the_right_choice() -> None:
    document = sample_document()
    files = build_common_cartridge(document)

    for module in document.modules:
        root = parse(files[f"{module.key}-quiz/assessment.xml"])
        assert root.tag == f"{QTI}questestinterop"
        (assessment,) = root.findall(f"{QTI}assessment")
        assert _metadata(assessment.find(f"{QTI}qtimetadata"))["cc_profile"] == "cc.exam.v0p1"
        assert assessment.attrib["title"] == f"Quiz: {module.title} (draft)"
        items = assessment.findall(f"{QTI}section/{QTI}item")
        assert len(items) == len(module.quiz)
        for item, source in zip(items, module.quiz, strict=True):
            fields = _metadata(item.find(f"{QTI}itemmetadata/{QTI}qtimetadata"))
            assert fields["cc_profile"] == "cc.multiple_choice.v0p1"
            assert item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext") == (
                source.question
            )
            lid = item.find(f"{QTI}presentation/{QTI}response_lid")
            assert lid is not None
            assert lid.attrib["rcardinality"] == "Single"
            labels = lid.findall(f"{QTI}render_choice/{QTI}response_label")
            assert [lbl.findtext(f"{QTI}material/{QTI}mattext") for lbl in labels] == (
                source.choices
            )
            scored = [
                c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None
            ]
            assert len(scored) == 1
            right = scored[0].find(f"{QTI}conditionvar/{QTI}varequal")
            assert right is not None
            assert right.attrib["respident"] == lid.attrib["ident"]
            assert right.text == labels[source.answer_index].attrib["ident"]
            assert scored[0].findtext(f"{QTI}setvar") == "100"
            feedback_ids = {f.attrib["ident"] for f in item.findall(f"{QTI}itemfeedback")}
            shown = {d.attrib["linkrefid"] for d in find_all(item, "displayfeedback")}
            assert shown == feedback_ids
            assert item.findtext(f"{QTI}itemfeedback//{QTI}mattext") == source.rationale


def _metadata(element: ET.Element | None) -> dict[str, str]:
    assert element is not None
    fields = find_all(element, "qtimetadatafield")
    return {f.findtext("{*}fieldlabel") or "": f.findtext("{*}fieldentry") or "" for f in fields}
