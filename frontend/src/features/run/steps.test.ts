import { describe, expect, it } from "vitest";

import { gateRead, runRead } from "../../test/fixtures";
import { latestLessonGates, lessonState, runSteps } from "./steps";

describe("run steps", () => {
  it("marks the step waiting for a person, with the ones before it done", () => {
    const pending = [gateRead({ kind: "final" })];
    const steps = runSteps(runRead({ status: "waiting" }), "assembly", pending);
    expect(steps.map((s) => s.state)).toEqual(["done", "done", "done", "done", "done", "waiting"]);
    expect(runSteps(runRead({ status: "succeeded" }), "assembly", []).every((s) => s.state === "done")).toBe(true);
  });
});

describe("lesson state", () => {
  it("prefers what streams, then the latest decision, then the fetched state", () => {
    const rejected = gateRead({ lesson_key: "m1-l1", round: 1, status: "applied", decision: "reject" });
    const approved = gateRead({ lesson_key: "m1-l1", round: 2, status: "decided", decision: "approve" });
    const latest = latestLessonGates([approved, rejected]).get("m1-l1");
    expect(latest).toBe(approved);
    expect(lessonState({ status: "drafted" }, false, latest)).toBe("approved");
    expect(lessonState({ status: "drafted" }, true, latest)).toBe("writing");
    expect(lessonState({ status: "drafted" }, false, gateRead({ status: "pending" }))).toBe("drafted");
    expect(lessonState(undefined, false)).toBe("planned");
  });
});
