import { describe, expect, it } from "vitest";

import type { CourseEvent } from "../../live/frames";
import { noticeFor, staleQueries } from "./liveSync";

function event(type: string, payload: Record<string, unknown> = {}): CourseEvent {
  return { seq: 1, course_id: "c1", run_id: "r1", type, payload, created_at: "2026-11-30T12:00:00Z" };
}

describe("live sync", () => {
  it("makes the run, the course and the review queue stale when the run moves", () => {
    expect(staleQueries("c1", "review.decided")).toEqual([
      ["courses", "c1", "runs"],
      ["courses", "detail", "c1"],
      ["reviews", "pending"],
    ]);
    expect(staleQueries("c1", "export.ready")).toEqual([["courses", "c1", "exports", "list"]]);
    expect(staleQueries("c1", "lesson.tokens")).toEqual([]);
    expect(staleQueries("c1", "lesson.ready").at(-1)).toEqual(["courses", "c1", "outline"]);
    expect(staleQueries("c1", "lesson.saved")).toEqual([["courses", "c1", "outline"]]);
    expect(staleQueries("c1", "export.progress")).toEqual([]);
  });

  it("words notable events for people and stays quiet about the rest", () => {
    expect(noticeFor(event("review.decided", { kind: "lesson", lesson_key: "m1-l2", decision: "reject" }))).toEqual({
      text: "The lesson m1-l2 was rejected with feedback; it will be written again.",
      tone: "warning",
    });
    expect(noticeFor(event("export.ready", { format: "scorm2004" }))?.text).toBe(
      "The SCORM 2004 4th Edition export is ready to download.",
    );
    expect(noticeFor(event("run.failed", { error: "Model unreachable" }))).toMatchObject({ tone: "error" });
    expect(noticeFor(event("review.decided", { kind: "outline", decision: "edit" }))?.text).toBe(
      "The outline was edited and approved.",
    );
    expect(noticeFor(event("review.decided", { kind: "final", decision: "approve" }))?.text).toBe(
      "The course was approved.",
    );
    expect(noticeFor(event("lesson.tokens", { text: "…" }))).toBeNull();
    // A lesson is named by its title when the event has it; the decider gets no toast.
    const approved = event("review.decided", { kind: "lesson", lesson_key: "m1-l1", title: "Knots", decision: "approve", by: "u1" });
    expect(noticeFor(approved, "u2")?.text).toBe("The lesson “Knots” was approved.");
    expect(noticeFor(approved, "u1")).toBeNull();
  });
});
