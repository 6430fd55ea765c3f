"""IMS Simple Sequencing for the SCORM 2004 package: modules in order, module N+1 locked
until module N is satisfied.

Why this design (SCORM 2004 4th Edition Sequencing and Navigation):
- Organization and module clusters use `controlMode choice="false" flow="true"`: the learner
  moves with Continue/Previous through lessons then the quiz, never jumping ahead from a menu.
- Flow alone would still let Continue run from a failed quiz into the next module, so each
  module's primary objective writes its satisfied status to a global objective, and module
  N+1 reads module N's into a local objective with a precondition rule `disabled` when it is
  not satisfied OR not known. Both conditions are needed: rule conditions are three-valued
  and "not satisfied" is *unknown* (not true) before module N was ever attempted.
- A module is satisfied by the default rollup (all children satisfied). Quizzes are
  satisfied by measure: score.scaled >= PASSING_SCORE, the same threshold the page uses and
  reads back as cmi.scaled_passing_score. Lessons report no success status and keep
  `objectiveSetByContent="false"`, for which the sequencer marks them satisfied when their
  attempt ends normally (End Attempt Process), so finishing every lesson (its "Mark lesson
  complete" button) plus passing the quiz satisfies a module, and a module without a quiz is
  satisfied by its lessons alone. A lesson closed unfinished exits as `suspend`, which
  satisfies nothing: the learner resumes it later.
- Global objective IDs carry the course id, and the organization sets
  `adlseq:objectivesGlobalToSystem="false"` so another course can never unlock this one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseDocument
from app.exports.packages.layout import PASSING_SCORE, ModulePlan, Unit
from app.exports.packages.xml import el

PREVIOUS_MODULE_OBJECTIVE = "previous-module-satisfied"


def global_objective(document: CourseDocument, module_key: str) -> str:
    return f"urn:courzly:course:{document.course.id}:module:{module_key}:satisfied"


def organization_sequencing() -> ET.Element:
    return el("imsss:sequencing", None, _flow_only())


def module_sequencing(
    document: CourseDocument, module_plan: ModulePlan, previous: ModulePlan | None
) -> ET.Element:
    key = module_plan.module.key
    rules = None
    read_previous = None
    if previous is not None:
        rules = el(
            "imsss:sequencingRules",
            None,
            el(
                "imsss:preConditionRule",
                None,
                el(
                    "imsss:ruleConditions",
                    {"conditionCombination": "any"},
                    _not(PREVIOUS_MODULE_OBJECTIVE, "satisfied"),
                    _not(PREVIOUS_MODULE_OBJECTIVE, "objectiveStatusKnown"),
                ),
                el("imsss:ruleAction", {"action": "disabled"}),
            ),
        )
        read_previous = el(
            "imsss:objective",
            {"objectiveID": PREVIOUS_MODULE_OBJECTIVE},
            el(
                "imsss:mapInfo",
                {
                    "targetObjectiveID": global_objective(document, previous.module.key),
                    "readSatisfiedStatus": "true",
                    "readNormalizedMeasure": "false",
                },
            ),
        )
    objectives = el(
        "imsss:objectives",
        None,
        el(
            "imsss:primaryObjective",
            {"objectiveID": f"{key}-satisfied"},
            el(
                "imsss:mapInfo",
                {
                    "targetObjectiveID": global_objective(document, key),
                    "readSatisfiedStatus": "false",
                    "readNormalizedMeasure": "false",
                    "writeSatisfiedStatus": "true",
                },
            ),
        ),
        read_previous,
    )
    return el("imsss:sequencing", None, _flow_only(), rules, objectives)


def unit_sequencing(unit: Unit) -> ET.Element:
    if unit.kind == "lesson":
        return el(
            "imsss:sequencing",
            None,
            el("imsss:deliveryControls", {"completionSetByContent": "true"}),
        )
    return el(
        "imsss:sequencing",
        None,
        el(
            "imsss:objectives",
            None,
            el(
                "imsss:primaryObjective",
                {"objectiveID": f"{unit.key}-passed", "satisfiedByMeasure": "true"},
                el("imsss:minNormalizedMeasure", None, text=f"{PASSING_SCORE:.2f}"),
            ),
        ),
        el(
            "imsss:deliveryControls",
            {"completionSetByContent": "true", "objectiveSetByContent": "true"},
        ),
    )


def _flow_only() -> ET.Element:
    return el("imsss:controlMode", {"choice": "false", "flow": "true"})


def _not(objective: str, condition: str) -> ET.Element:
    return el(
        "imsss:ruleCondition",
        {"referencedObjective": objective, "operator": "not", "condition": condition},
    )
