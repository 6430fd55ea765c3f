"""A stand-in SCORM 2004 LMS that sequences: scorm-again's own sequencer runs our manifest.

`activity_tree` translates the package's imsmanifest.xml into scorm-again's
`sequencing.activityTree` settings (the LMS's job: the library does not read manifests).
`run` starts Node with scorm-again's sequencer and plays the course one learner action at a
time: the LMS's navigation requests, or a delivered SCO played by the package's own
`courzly-scorm.js`, which finds the API in its parent window as it would in the LMS frame.
No browser is involved: the sequencer and our SCORM adapter are plain JavaScript.

Not expressible in scorm-again 3.4.3: `adlseq:objectivesGlobalToSystem` (it has no such
setting; each API instance keeps its own global objective map, i.e. one course attempt).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

from app.exports.packages import PackageFiles
from app.exports.packages.layout import PASSING_SCORE
from tests.exports.packages import lms
from tests.exports.packages.checks import parse

IMSCP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
IMSSS = "{http://www.imsglobal.org/xsd/imsss}"

# IMS Simple Sequencing defaults, written out: scorm-again's own differ (its flow is true).
CONTROL_MODE = {
    "choice": "true",
    "choiceExit": "true",
    "flow": "false",
    "forwardOnly": "false",
    "useCurrentAttemptObjectiveInfo": "true",
    "useCurrentAttemptProgressInfo": "true",
}
DELIVERY_CONTROLS = {
    "tracked": "true",
    "completionSetByContent": "false",
    "objectiveSetByContent": "false",
}
MAP_INFO = {
    "readSatisfiedStatus": "true",
    "readNormalizedMeasure": "true",
    "writeSatisfiedStatus": "false",
    "writeNormalizedMeasure": "false",
}
# Reads of the adlseq objectives extension, which only an adlseq:mapInfo (we emit none) turns on.
ADLSEQ_READS = (
    "readCompletionStatus",
    "readProgressMeasure",
    "readRawScore",
    "readMinScore",
    "readMaxScore",
)
RULES = ("preConditionRule", "exitConditionRule", "postConditionRule")


def activity_tree(manifest: bytes) -> dict[str, Any]:
    """scorm-again's activity tree for the default organization of `manifest`."""
    organizations = parse(manifest).find(f"{IMSCP}organizations")
    assert organizations is not None
    default = organizations.get("default")
    for organization in organizations.findall(f"{IMSCP}organization"):
        if organization.get("identifier") == default:
            return _activity(organization)
    raise AssertionError(f"no organization {default}")


def _activity(item: ET.Element) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "id": item.get("identifier"),
        "title": item.findtext(f"{IMSCP}title"),
        "children": [_activity(child) for child in item.findall(f"{IMSCP}item")],
    }
    sequencing = item.find(f"{IMSSS}sequencing")
    children = [] if sequencing is None else list(sequencing)
    parts = {child.tag.removeprefix(IMSSS): child for child in children}
    # Fail on any sequencing we do not translate rather than let the engine default it.
    untranslated = set(parts) - {"controlMode", "deliveryControls", "sequencingRules", "objectives"}
    assert not untranslated, f"{activity['id']}: translate {untranslated}"
    activity["sequencingControls"] = _flags(parts.get("controlMode"), CONTROL_MODE)
    activity["deliveryControls"] = _flags(parts.get("deliveryControls"), DELIVERY_CONTROLS)
    if "sequencingRules" in parts:
        activity["sequencingRules"] = {
            f"{kind}s": [_rule(rule) for rule in parts["sequencingRules"].findall(IMSSS + kind)]
            for kind in RULES
        }
    if "objectives" in parts:
        primary = parts["objectives"].find(f"{IMSSS}primaryObjective")
        assert primary is not None
        activity["primaryObjective"] = _objective(primary)
        others = parts["objectives"].findall(f"{IMSSS}objective")
        activity["objectives"] = [_objective(objective) for objective in others]
    return activity


def _attributes(element: ET.Element | None, defaults: dict[str, str]) -> dict[str, str]:
    """`element`'s attributes over the spec's defaults; an attribute not translated fails."""
    given = dict(element.attrib) if element is not None else {}
    assert set(given) <= set(defaults), f"not translated: {set(given) - set(defaults)}"
    return defaults | given


def _flags(element: ET.Element | None, defaults: dict[str, str]) -> dict[str, bool]:
    return {name: value == "true" for name, value in _attributes(element, defaults).items()}


def _rule(rule: ET.Element) -> dict[str, Any]:
    conditions = rule.find(f"{IMSSS}ruleConditions")
    action = rule.find(f"{IMSSS}ruleAction")
    assert conditions is not None
    assert action is not None
    combination = _attributes(conditions, {"conditionCombination": "all"})
    return {
        "action": _attributes(action, {"action": ""})["action"],
        "conditionCombination": combination["conditionCombination"],
        "conditions": [_condition(condition) for condition in conditions],
    }


def _condition(condition: ET.Element) -> dict[str, str]:
    defaults = {"condition": "", "operator": "noOp", "referencedObjective": ""}
    attributes = _attributes(condition, defaults)
    translated = {"condition": attributes["condition"]}
    if attributes["operator"] == "not":
        translated["operator"] = "not"
    if attributes["referencedObjective"]:
        translated["referencedObjective"] = attributes["referencedObjective"]
    return translated


def _objective(objective: ET.Element) -> dict[str, Any]:
    attributes = _attributes(objective, {"objectiveID": "", "satisfiedByMeasure": "false"})
    return {
        "objectiveID": attributes["objectiveID"],
        "satisfiedByMeasure": attributes["satisfiedByMeasure"] == "true",
        "minNormalizedMeasure": float(objective.findtext(f"{IMSSS}minNormalizedMeasure", "1.0")),
        "mapInfo": [_map_info(info) for info in objective.findall(f"{IMSSS}mapInfo")],
    }


def _map_info(info: ET.Element) -> dict[str, Any]:
    attributes = _attributes(info, {"targetObjectiveID": "", **MAP_INFO})
    target = attributes.pop("targetObjectiveID")
    flags = {name: value == "true" for name, value in attributes.items()}
    return {"targetObjectiveID": target, **flags, **dict.fromkeys(ADLSEQ_READS, False)}


class Step(TypedDict, total=False):
    """What one learner or LMS action led to."""

    delivered: list[str]  # activities the sequencer delivered, in order
    refused: list[str]  # sequencing exceptions it raised (e.g. SB.2.2-2)
    current: str | None  # the activity now on screen, None when nothing is delivered
    globals: dict[str, bool | None]  # global objectives: satisfied, or None when unknown
    valid: dict[str, Any]  # adl.nav.request_valid as the SCO saw it (SCO actions only)
    scoErrors: list[str]  # errors our SCORM adapter kept (SCO actions only)


class SequencedCourse:
    """One learner's attempt on the course; every method returns what it led to."""

    def __init__(self, process: subprocess.Popen[str], log: Path) -> None:
        self._process = process
        self._log = log

    def navigate(self, request: str, target: str | None = None) -> Step:
        """A navigation request from the LMS's own controls (start, continue, choice...)."""
        return self._send({"do": "navigate", "request": request, "target": target})

    def finish_lesson(self) -> Step:
        """The learner presses the delivered lesson's finish button."""
        return self._send({"do": "lesson"})

    def take_quiz(self, right: int, of: int, lms_passing: float | None = None) -> Step:
        """The learner submits the delivered quiz with `right` of `of` answers right; the LMS
        gives the SCO `lms_passing` as cmi.scaled_passing_score when set. A passed quiz moves
        on; after a failed one the learner closes the page rather than retrying in it."""
        return self._send({"do": "quiz", "right": right, "of": of, "lmsPassing": lms_passing})

    def leave(self) -> Step:
        """The learner closes the delivered SCO without finishing it."""
        return self._send({"do": "leave"})

    def _send(self, command: dict[str, Any]) -> Step:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        assert line, f"the sequencing LMS stopped:\n{self._log.read_text()}"
        step: Step = json.loads(line)
        assert "error" not in step, step
        assert not step.get("scoErrors"), step  # our adapter saw every API call succeed
        return step


@contextlib.contextmanager
def run(
    files: PackageFiles, workdir: Path, seed: dict[str, bool] | None = None
) -> Iterator[SequencedCourse]:
    """The course of `files` in Node, its global objective map first holding `seed`."""
    node = shutil.which("node")
    assert node, "Node is needed to run scorm-again's sequencer"
    library = lms.ensure_scorm_again().parent / "esm" / "scorm-again.js"
    setup = {
        "tree": activity_tree(files["imsmanifest.xml"]),
        "adapter": files["courzly-scorm.js"].decode(),
        "passing": PASSING_SCORE,
        "seed": seed or {},
    }
    (workdir / "setup.json").write_text(json.dumps(setup))
    (workdir / "lms.mjs").write_text(DRIVER)
    log = workdir / "node.log"
    command = [node, str(workdir / "lms.mjs"), str(library), str(workdir / "setup.json")]
    with (
        log.open("w") as errors,
        subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
        ) as process,
    ):
        try:
            yield SequencedCourse(process, log)
        finally:
            assert process.stdin is not None
            process.stdin.close()  # ends the driver's read loop
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise


# The Node side: one JSON command per stdin line, one JSON reply per stdout line.
DRIVER = r"""
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

const [library, setupFile] = process.argv.slice(2);
const { Scorm2004API } = await import(pathToFileURL(library).href);
const setup = JSON.parse(readFileSync(setupFile, "utf8"));
// scorm-again logs deliveries to the console: keep stdout for replies.
for (const level of ["log", "debug", "info", "warn", "error"]) {
  console[level] = (...args) => process.stderr.write(args.join(" ") + "\n");
}

let step;
const api = new Scorm2004API({
  autocommit: false,
  logLevel: 5,
  sequencing: {
    activityTree: setup.tree,
    eventListeners: {
      onActivityDelivery: (activity) => step.delivered.push(activity.id),
      onSequencingError: (exception) => step.refused.push(String(exception)),
    },
  },
});
if (Object.keys(setup.seed).length) {
  api.restoreGlobalObjectiveSnapshot(Object.fromEntries(Object.entries(setup.seed).map(
    ([id, satisfied]) => [id, { satisfiedStatus: satisfied, satisfiedStatusKnown: true }])));
}
const activityIds = (activity) => [activity.id, ...activity.children.flatMap(activityIds)];
const sequencer = () => api.getSequencingService().getOverallSequencingProcess();
const current = () => api.getSequencingState().currentActivity;

// A fresh page for the delivered SCO: its own global scope running courzly-scorm.js, with
// the API in the parent window.
function openSco() {
  if (!current()?.isActive) throw new Error("no SCO is delivered");
  const lmsWindow = { API_1484_11: api };
  lmsWindow.parent = lmsWindow;
  const window = { parent: lmsWindow };
  const document = { documentElement: { getAttribute: () => "scorm2004" } };
  vm.runInNewContext(setup.adapter, { window, document });
  window.CourzlyTracker.start();
  return window.CourzlyTracker;
}

function validity() {
  const get = (what) => api.GetValue(`adl.nav.request_valid.${what}`);
  const choice = activityIds(setup.tree).map((id) => [id, get(`choice.{target=${id}}`)]);
  const choices = Object.fromEntries(choice);
  return { continue: get("continue"), previous: get("previous"), choice: choices };
}

function play(command) {
  if (command.do === "navigate") {
    api.processNavigationRequest(command.request, command.target ?? undefined);
    return {};
  }
  if (command.lmsPassing != null) api.cmi.scaled_passing_score = String(command.lmsPassing);
  const sco = openSco();
  const valid = validity();
  if (command.do === "lesson") sco.completeLesson();
  let moveOn = command.do !== "leave"; // a learner who closes the page does not move on
  if (command.do === "quiz") {
    const scaled = command.right / command.of;
    // Passed as courzly-page.js decides it: against the LMS's passing score, else ours.
    const passed = scaled >= sco.passingScore(setup.passing);
    sco.recordQuiz(command.right, command.of, passed);
    moveOn = passed; // failed: the page offers a retry; this learner closes it instead
  }
  sco.finish(moveOn);
  api.reset(); // the LMS clears the run-time data before launching the next SCO
  return { valid, scoErrors: sco.errors };
}

for await (const line of createInterface({ input: process.stdin })) {
  step = { delivered: [], refused: [] };
  let reply;
  try {
    reply = play(JSON.parse(line));
  } catch (error) {
    reply = { error: String(error) };
  }
  const globals = [...sequencer().getGlobalObjectiveMap()].map(
    ([id, g]) => [id, g.satisfiedStatusKnown ? g.satisfiedStatus : null]);
  const shown = current()?.isActive ? current().id : null;
  process.stdout.write(JSON.stringify(
    { ...step, ...reply, current: shown, globals: Object.fromEntries(globals) }) + "\n");
}
"""
