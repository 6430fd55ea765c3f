"""SCORM 1.2 and 2004 4th Edition manifests against the official ADL/IMS schemas (XSD 1.1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.exports.document import CourseDocument
from app.exports.packages import PackageFiles, build_scorm12, build_scorm2004
from app.exports.packages.layout import PASSING_SCORE
from app.exports.packages.sequencing import global_objective
from tests.exports.packages.checks import (
    attribute,
    find_all,
    parse,
    schema_errors,
    scorm12_schema,
    scorm2004_schema,
)
from tests.exports.packages.sample import sample_document

Builder = Callable[[CourseDocument], PackageFiles]

SCORM12 = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
SCORM2004 = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
IMSSS = "{http://www.imsglobal.org/xsd/imsss}"


@pytest.mark.parametrize("approved", [False, True])
def test_scorm12_manifest_is_schema_valid(approved: bool) -> None:
    manifest = build_scorm12(sample_document(approved=approved))["imsmanifest.xml"]

    assert schema_errors(scorm12_schema(), manifest) == []


@pytest.mark.parametrize("approved", [False, True])
def test_scorm2004_manifest_is_schema_valid(approved: bool) -> None:
    manifest = build_scorm2004(sample_document(approved=approved))["imsmanifest.xml"]

    assert schema_errors(scorm2004_schema(), manifest) == []


@pytest.mark.parametrize(
    ("version", "good", "bad"),
    [
        ("1.2", b'adlcp:scormtype="sco"', b'adlcp:scormtype="lesson"'),
        ("1.2", b'<item identifier="ITEM-m1">', b"<item>"),
        ("2004", b'adlcp:scormType="sco"', b'adlcp:scormType="SCO"'),
        ("2004", b'action="disabled"', b'action="locked"'),
    ],
)
def test_the_schemas_catch_a_broken_manifest(version: str, good: bytes, bad: bytes) -> None:
    """The validation above is only worth something if the loaded schemas are strict."""
    if version == "1.2":
        builder, schema = build_scorm12, scorm12_schema()
    else:
        builder, schema = build_scorm2004, scorm2004_schema()
    manifest = builder(sample_document())["imsmanifest.xml"]
    assert good in manifest

    assert schema_errors(schema, manifest.replace(good, bad, 1))


@pytest.mark.parametrize("builder", [build_scorm12, build_scorm2004])
def test_one_item_per_module_holding_a_sco_per_lesson_then_the_quiz(builder: Builder) -> None:
    root = parse(builder(sample_document())["imsmanifest.xml"])
    organization = find_all(root, "organization")[0]
    modules = [e for e in organization if e.tag.endswith("}item")]
    resources = {r.attrib["identifier"]: r for r in find_all(root, "resource")}

    assert [m.attrib["identifier"] for m in modules] == ["ITEM-m1", "ITEM-m2"]
    for module, key in zip(modules, ["m1", "m2"], strict=True):
        scos = [e for e in module if e.tag.endswith("}item")]
        expected = [f"RES-{key}-l1", f"RES-{key}-l2", f"RES-{key}-quiz"]
        assert [s.attrib["identifierref"] for s in scos] == expected
        for sco in scos:
            resource = resources[sco.attrib["identifierref"]]
            scorm_type = attribute(resource, "scormtype") or attribute(resource, "scormType")
            assert scorm_type == "sco"
            assert resource.attrib["type"] == "webcontent"


def test_scorm12_metadata_and_quiz_mastery_score() -> None:
    root = parse(build_scorm12(sample_document())["imsmanifest.xml"])
    metadata = root.find(f"{SCORM12}metadata")
    assert metadata is not None

    assert metadata.findtext(f"{SCORM12}schema") == "ADL SCORM"
    assert metadata.findtext(f"{SCORM12}schemaversion") == "1.2"
    scores = {
        item.attrib["identifier"]: item.findtext("{*}masteryscore")
        for item in find_all(root, "item")
        if item.findtext("{*}masteryscore")
    }
    assert scores == {"ITEM-m1-quiz": "80", "ITEM-m2-quiz": "80"}
    sco_types = {attribute(r, "scormtype") for r in find_all(root, "resource")}
    assert sco_types == {"sco"}


def test_scorm2004_metadata_names_the_4th_edition() -> None:
    root = parse(build_scorm2004(sample_document())["imsmanifest.xml"])
    metadata = root.find(f"{SCORM2004}metadata")
    assert metadata is not None

    assert metadata.findtext(f"{SCORM2004}schema") == "ADL SCORM"
    assert metadata.findtext(f"{SCORM2004}schemaversion") == "2004 4th Edition"
    assert {attribute(r, "scormType") for r in find_all(root, "resource")} == {"sco"}


def test_scorm2004_modules_run_in_order_and_unlock_one_after_another() -> None:
    document = sample_document()
    root = parse(build_scorm2004(document)["imsmanifest.xml"])
    organization = find_all(root, "organization")[0]
    module1, module2 = (e for e in organization if e.tag.endswith("}item"))

    assert attribute(organization, "objectivesGlobalToSystem") == "false"
    for cluster in (organization, module1, module2):
        control = cluster.find(f"{IMSSS}sequencing/{IMSSS}controlMode")
        assert control is not None
        assert control.attrib == {"choice": "false", "flow": "true"}
    assert module1.find(f"{IMSSS}sequencing/{IMSSS}sequencingRules") is None

    # Module 1 writes its satisfaction to a global objective ...
    written = module1.find(f"{IMSSS}sequencing/{IMSSS}objectives/{IMSSS}primaryObjective/")
    assert written is not None
    assert written.attrib["targetObjectiveID"] == global_objective(document, "m1")
    assert written.attrib["writeSatisfiedStatus"] == "true"
    # ... which module 2 reads, and stays disabled until it is known and satisfied.
    local = module2.find(f"{IMSSS}sequencing/{IMSSS}objectives/{IMSSS}objective")
    assert local is not None
    read = local.find(f"{IMSSS}mapInfo")
    assert read is not None
    assert read.attrib["targetObjectiveID"] == global_objective(document, "m1")
    assert read.attrib["readSatisfiedStatus"] == "true"
    rule = module2.find(f"{IMSSS}sequencing/{IMSSS}sequencingRules/{IMSSS}preConditionRule")
    assert rule is not None
    conditions = rule.findall(f"{IMSSS}ruleConditions/{IMSSS}ruleCondition")
    assert {(c.attrib["operator"], c.attrib["condition"]) for c in conditions} == {
        ("not", "satisfied"),
        ("not", "objectiveStatusKnown"),
    }
    assert {c.attrib["referencedObjective"] for c in conditions} == {local.attrib["objectiveID"]}
    combination = rule.find(f"{IMSSS}ruleConditions")
    action = rule.find(f"{IMSSS}ruleAction")
    assert combination is not None
    assert action is not None
    assert combination.attrib["conditionCombination"] == "any"
    assert action.attrib["action"] == "disabled"


def test_scorm2004_quizzes_are_satisfied_by_the_passing_score() -> None:
    root = parse(build_scorm2004(sample_document())["imsmanifest.xml"])
    quizzes = [i for i in find_all(root, "item") if i.attrib["identifier"].endswith("-quiz")]

    assert len(quizzes) == 2
    for quiz in quizzes:
        objective = quiz.find(f"{IMSSS}sequencing/{IMSSS}objectives/{IMSSS}primaryObjective")
        assert objective is not None
        assert objective.attrib["satisfiedByMeasure"] == "true"
        assert float(objective.findtext(f"{IMSSS}minNormalizedMeasure") or "") == PASSING_SCORE
