"""The SCORM 2004 package's sequencing, run by a third-party sequencer: scorm-again's, given
our imsmanifest.xml translated into its settings, with each delivered SCO played by the
package's own SCORM adapter (sequencing_lms.py). It checks what sequencing.py promises:
flow only, and module 2 locked until module 1 is satisfied, by course-scoped objectives."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.exports.packages import PackageFiles, build_scorm2004
from tests.exports.packages.checks import parse
from tests.exports.packages.sample import COURSE_ID, sample_document
from tests.exports.packages.sequencing_lms import IMSSS, SequencedCourse, Step, run

ORGANIZATION = "ORG-COURSE"
MODULE_2_FIRST = "ITEM-m2-l1"
# Flow Activity Traversal (SB.2.2) stopped: the next activity is disabled by a precondition.
DISABLED = "SB.2.2-2"


@pytest.fixture(scope="module")
def package() -> PackageFiles:
    return build_scorm2004(sample_document())


@pytest.fixture
def course(package: PackageFiles, tmp_path: Path) -> Iterator[SequencedCourse]:
    with run(package, tmp_path) as course:
        yield course


def to_module_1_quiz(course: SequencedCourse) -> None:
    assert course.navigate("start")["delivered"] == ["ITEM-m1-l1"]
    assert course.finish_lesson()["delivered"] == ["ITEM-m1-l2"]
    assert course.finish_lesson()["delivered"] == ["ITEM-m1-quiz"]


# Ways to end module 1's quiz without passing, each returning the step where the sequencer
# decides whether module 2 comes next.
def fail_quiz(course: SequencedCourse) -> Step:
    course.take_quiz(right=1, of=2)  # score.scaled 0.5; the learner closes the quiz, then
    return course.navigate("continue")  # presses the LMS's Continue


def leave_quiz(course: SequencedCourse) -> Step:
    course.leave()  # no score, so module 1's status stays unknown; the SCO does not move on
    return course.navigate("continue")


def test_the_learner_flows_through_lessons_to_the_quiz_and_cannot_choose(
    course: SequencedCourse,
) -> None:
    assert course.navigate("start")["delivered"] == ["ITEM-m1-l1"]

    first = course.finish_lesson()
    assert first["valid"]["continue"] == "true"  # our SCO asks to continue only then
    # choice="false" everywhere: nothing to pick but the organization (a restart).
    choosable = [target for target, valid in first["valid"]["choice"].items() if valid == "true"]
    assert choosable == [ORGANIZATION]
    assert first["delivered"] == ["ITEM-m1-l2"]

    for target in ("ITEM-m1-quiz", MODULE_2_FIRST):  # ahead in the module, or the next one
        refused = course.navigate("choice", target)
        assert refused["refused"]
        assert (refused["delivered"], refused["current"]) == ([], "ITEM-m1-l2")

    assert course.finish_lesson()["delivered"] == ["ITEM-m1-quiz"]


@pytest.mark.parametrize(("right", "of"), [(4, 5), (2, 2)], ids=["at-threshold", "perfect"])
def test_module_2_stays_locked_after_a_failed_quiz_and_opens_once_it_is_passed(
    course: SequencedCourse, right: int, of: int
) -> None:
    to_module_1_quiz(course)

    failed = fail_quiz(course)
    assert (failed["delivered"], failed["current"], failed["refused"]) == ([], None, [DISABLED])
    assert course.navigate("continue")["refused"] == [DISABLED]
    assert course.navigate("choice", MODULE_2_FIRST)["delivered"] == []

    # Flow only: back to lesson 1.2 with Previous, on to the quiz again, and pass it.
    assert course.navigate("previous")["delivered"] == ["ITEM-m1-l2"]
    assert course.finish_lesson()["delivered"] == ["ITEM-m1-quiz"]
    passed = course.take_quiz(right=right, of=of)  # score.scaled >= 0.8
    assert (passed["delivered"], passed["refused"]) == ([MODULE_2_FIRST], [])


def test_the_manifests_passing_score_judges_the_quiz_not_the_scos_verdict(
    course: SequencedCourse,
) -> None:
    to_module_1_quiz(course)

    # An LMS telling the SCO that 0.5 passes gets "passed" from it, yet satisfiedByMeasure
    # keeps the objective to minNormalizedMeasure 0.80.
    step = course.take_quiz(right=1, of=2, lms_passing=0.5)

    assert (step["delivered"], step["refused"]) == ([], [DISABLED])


def test_module_2_stays_locked_when_the_quiz_is_left_unanswered(course: SequencedCourse) -> None:
    to_module_1_quiz(course)

    step = leave_quiz(course)

    assert (step["delivered"], step["current"], step["refused"]) == ([], None, [DISABLED])


def test_global_objectives_belong_to_the_course(package: PackageFiles, tmp_path: Path) -> None:
    ours = global_objectives(package)
    other_course = sample_document().model_copy(
        update={"course": sample_document().course.model_copy(update={"id": uuid.uuid4()})}
    )
    theirs = global_objectives(build_scorm2004(other_course))
    assert len(ours) == 2
    assert all(str(COURSE_ID) in objective for objective in ours)
    assert ours.isdisjoint(theirs)

    # A learner-wide store already holding the other course, satisfied: ours still runs on
    # its own entries, and only module 1's is written once it is passed.
    with run(package, tmp_path, seed=dict.fromkeys(theirs, True)) as course:
        to_module_1_quiz(course)
        assert fail_quiz(course)["refused"] == [DISABLED]
        assert course.navigate("previous")["delivered"] == ["ITEM-m1-l2"]
        assert course.finish_lesson()["delivered"] == ["ITEM-m1-quiz"]
        passed = course.take_quiz(right=2, of=2)

    assert passed["delivered"] == [MODULE_2_FIRST]
    m1, m2 = sorted(ours)
    assert passed["globals"] == {m1: True, m2: None} | dict.fromkeys(theirs, True)


@pytest.mark.parametrize(
    ("condition", "learner"), [("satisfied", fail_quiz), ("objectiveStatusKnown", leave_quiz)]
)
def test_control_without_either_rule_condition_module_2_opens_early(
    package: PackageFiles,
    tmp_path: Path,
    condition: str,
    learner: Callable[[SequencedCourse], Step],
) -> None:
    """The locks above come from our rule: drop one condition (from a copy of the manifest)
    and the same learner reaches module 2, so those tests fail if sequencing.py loses it."""
    manifest = without_condition(package["imsmanifest.xml"], condition)
    with run(package | {"imsmanifest.xml": manifest}, tmp_path) as course:
        to_module_1_quiz(course)
        assert learner(course)["delivered"] == [MODULE_2_FIRST]


def global_objectives(files: PackageFiles) -> set[str]:
    manifest = parse(files["imsmanifest.xml"])
    return {info.attrib["targetObjectiveID"] for info in manifest.iter(f"{IMSSS}mapInfo")}


def without_condition(manifest: bytes, condition: str) -> bytes:
    root = parse(manifest)
    for conditions in root.iter(f"{IMSSS}ruleConditions"):
        for element in conditions.findall(f"{IMSSS}ruleCondition[@condition='{condition}']"):
            conditions.remove(element)
    return ET.tostring(root)
