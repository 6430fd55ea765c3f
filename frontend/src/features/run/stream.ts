import type { CourseEvent } from "../../live/frames";

/** One lesson's text as the worker streams it (lesson.started, lesson.tokens, lesson.ready). */
export interface LessonStream {
  text: string;
  /** The chunk number expected next; a repeat (a retried job) is ignored. */
  nextChunk: number;
  round: number;
  done: boolean;
}

/** The outline's JSON as the worker streams it (outline.tokens); a new attempt starts over. */
export interface OutlineStream {
  round: number;
  attempt: number;
  text: string;
  nextChunk: number;
}

/** What live events add to the run's fetched state until the next fetch catches up. */
export interface LiveRun {
  phase: string | null;
  costUsd: string | null;
  outline: OutlineStream | null;
  streams: Record<string, LessonStream>;
}

export const EMPTY_LIVE_RUN: LiveRun = { phase: null, costUsd: null, outline: null, streams: {} };

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const whole = (value: unknown): number | null => (typeof value === "number" && Number.isInteger(value) ? value : null);

export function applyEvent(state: LiveRun, event: CourseEvent, runId: string): LiveRun {
  if (event.run_id !== null && event.run_id !== runId) return state; // another run's
  const p = event.payload;
  const key = text(p.lesson_key);
  switch (event.type) {
    case "run.phase":
      return { ...state, phase: text(p.phase) ?? state.phase };
    case "run.cost":
      return { ...state, costUsd: text(p.run_cost_usd) ?? state.costUsd };
    case "outline.tokens": {
      const outline = applyOutlineTokens(state.outline, whole(p.round), whole(p.attempt), whole(p.chunk), text(p.text));
      return outline === state.outline ? state : { ...state, outline };
    }
    case "lesson.started":
      if (key === null) return state;
      return { ...state, streams: { ...state.streams, [key]: { text: "", nextChunk: 1, round: whole(p.round) ?? 1, done: false } } };
    case "lesson.tokens": {
      const chunk = whole(p.chunk);
      const part = text(p.text);
      if (key === null || chunk === null || part === null) return state;
      const stream = state.streams[key] ?? { text: "", nextChunk: 1, round: 1, done: false };
      if (chunk < stream.nextChunk) return state; // already shown
      const updated = { ...stream, text: stream.text + part, nextChunk: chunk + 1 };
      return { ...state, streams: { ...state.streams, [key]: updated } };
    }
    case "lesson.ready": {
      const stream = key === null ? undefined : state.streams[key];
      if (key === null || stream === undefined) return state;
      return { ...state, streams: { ...state.streams, [key]: { ...stream, done: true } } };
    }
    default:
      return state;
  }
}

function applyOutlineTokens(
  current: OutlineStream | null,
  round: number | null,
  attempt: number | null,
  chunk: number | null,
  part: string | null,
): OutlineStream | null {
  if (round === null || attempt === null || chunk === null || part === null) return current;
  if (current !== null && (round < current.round || (round === current.round && attempt < current.attempt))) return current;
  const same = current !== null && current.round === round && current.attempt === attempt;
  const base = same ? current : { round, attempt, text: "", nextChunk: 1 };
  if (chunk < base.nextChunk) return current; // already shown
  return { ...base, text: base.text + part, nextChunk: chunk + 1 };
}

const RUN_STATE_EVENTS: ReadonlySet<string> = new Set(["lesson.ready", "quiz.ready", "review.requested", "review.decided"]);

/** Events after which the fetched run state (status, gates, lessons) is out of date. */
export function changesRunState(type: string): boolean {
  return (type.startsWith("run.") && type !== "run.cost") || RUN_STATE_EVENTS.has(type);
}
