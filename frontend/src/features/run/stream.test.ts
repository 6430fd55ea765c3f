import { describe, expect, it } from "vitest";

import type { CourseEvent } from "../../live/frames";
import { applyEvent, changesRunState, EMPTY_LIVE_RUN, type LiveRun } from "./stream";

let seq = 0;
function event(type: string, payload: Record<string, unknown>, runId: string | null = "r1"): CourseEvent {
  seq += 1;
  return { seq, course_id: "c1", run_id: runId, type, payload, created_at: "2026-11-30T12:00:00Z" };
}

function play(...events: CourseEvent[]): LiveRun {
  return events.reduce((state, e) => applyEvent(state, e, "r1"), EMPTY_LIVE_RUN);
}

describe("applyEvent", () => {
  it("streams a lesson's text in chunk order, once each, until it is ready", () => {
    const state = play(
      event("lesson.started", { lesson_key: "m1-l1", round: 1 }),
      event("lesson.tokens", { lesson_key: "m1-l1", chunk: 1, text: "Hello " }),
      event("lesson.tokens", { lesson_key: "m1-l1", chunk: 2, text: "world" }),
      event("lesson.tokens", { lesson_key: "m1-l1", chunk: 2, text: "world" }), // a retried job
      event("lesson.ready", { lesson_key: "m1-l1" }),
    );
    expect(state.streams["m1-l1"]).toEqual({ text: "Hello world", nextChunk: 3, round: 1, done: true });
  });

  it("streams the outline's JSON, starting over on a new attempt or round and ignoring older ones", () => {
    const tokens = (round: number, attempt: number, chunk: number, text: string) => event("outline.tokens", { round, attempt, chunk, text });
    expect(play(tokens(1, 1, 1, '{"mod'), tokens(1, 1, 2, 'ules"'), tokens(1, 1, 2, 'ules"')).outline).toEqual({
      round: 1,
      attempt: 1,
      text: '{"modules"',
      nextChunk: 3,
    });
    // A repair round replaces what the first attempt wrote; a late chunk of it is dropped.
    const repaired = play(tokens(1, 1, 1, "not json"), tokens(1, 2, 1, "{"), tokens(1, 1, 2, " at all"));
    expect(repaired.outline?.text).toBe("{");
    // The outline written again after feedback: round 2 starts over.
    const again = play(tokens(1, 2, 1, '{"a": 1}'), tokens(2, 1, 1, "{"));
    expect(again.outline).toEqual({ round: 2, attempt: 1, text: "{", nextChunk: 2 });
    expect(play(tokens(1, 1, 1, "{"), event("outline.tokens", { round: 1 })).outline?.text).toBe("{");
  });

  it("starts a regenerated lesson afresh and keeps the others", () => {
    const state = play(
      event("lesson.tokens", { lesson_key: "m1-l1", chunk: 1, text: "first draft" }),
      event("lesson.tokens", { lesson_key: "m1-l2", chunk: 1, text: "other" }),
      event("lesson.started", { lesson_key: "m1-l1", round: 2 }),
      event("lesson.tokens", { lesson_key: "m1-l1", chunk: 1, text: "second" }),
    );
    expect(state.streams["m1-l1"]).toMatchObject({ text: "second", round: 2, done: false });
    expect(state.streams["m1-l2"]?.text).toBe("other");
  });

  it("follows phase and cost, and ignores other runs and malformed payloads", () => {
    const state = play(
      event("run.phase", { phase: "lessons" }),
      event("run.cost", { run_cost_usd: "0.012300" }),
      event("run.phase", { phase: "quizzes" }, "r2"),
      event("lesson.tokens", { lesson_key: "m1-l1", chunk: "x", text: 5 }),
    );
    expect(state).toEqual({ phase: "lessons", costUsd: "0.012300", outline: null, streams: {} });
  });
});

describe("changesRunState", () => {
  it("is true for what moves the run and false for streamed text and cost", () => {
    expect(["run.waiting", "run.failed", "lesson.ready", "review.decided"].every(changesRunState)).toBe(true);
    expect(["lesson.tokens", "run.cost", "chat.message", "export.ready"].some(changesRunState)).toBe(false);
  });
});
