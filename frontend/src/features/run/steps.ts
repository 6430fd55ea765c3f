import type { GateRead, RunRead } from "../course/api/runs";

export type StepState = "done" | "current" | "waiting" | "upcoming";

export interface Step {
  key: string;
  label: string;
  state: StepState;
}

// The graph's path (app/workflow/graph.py): phases the nodes set, and the gates between them.
const STEPS = [
  { key: "outline", label: "Outline" },
  { key: "outline-review", label: "Outline review" },
  { key: "lessons", label: "Lessons and their reviews" },
  { key: "quizzes", label: "Quizzes" },
  { key: "assembly", label: "Assembly and alignment" },
  { key: "final", label: "Final approval" },
] as const;

function currentStep(run: Pick<RunRead, "status">, phase: string, pending: readonly GateRead[]): number {
  if (pending.some((g) => g.kind === "final")) return 5;
  if (pending.some((g) => g.kind === "outline")) return 1;
  const index = STEPS.findIndex((s) => s.key === phase);
  if (run.status === "succeeded") return STEPS.length;
  return Math.max(0, index);
}

/** Where the run is on its path; `waiting` marks the step a person must act on. */
export function runSteps(run: Pick<RunRead, "status">, phase: string, pending: readonly GateRead[]): Step[] {
  const current = currentStep(run, phase, pending);
  const waitingHere = run.status === "waiting";
  return STEPS.map((step, index) => ({
    ...step,
    state: index < current ? "done" : index > current ? "upcoming" : waitingHere ? "waiting" : "current",
  }));
}

export type LessonState = "planned" | "writing" | "drafted" | "rejected" | "approved";

const LESSON_LABELS: Record<LessonState, string> = {
  planned: "Planned",
  writing: "Writing…",
  drafted: "Waiting for review",
  rejected: "Rejected; rewriting",
  approved: "Approved",
};

export const LESSON_STYLES: Record<LessonState, string> = {
  planned: "bg-slate-100 text-slate-800",
  writing: "bg-amber-100 text-amber-900",
  drafted: "bg-sky-100 text-sky-900",
  rejected: "bg-red-100 text-red-900",
  approved: "bg-emerald-100 text-emerald-900",
};

/**
 * A lesson's state: what is streaming right now, else the latest decision at its gate (the
 * worker applies a decision a moment after it is made), else the fetched run state.
 */
export function lessonState(
  fetched: Record<string, unknown> | undefined,
  streaming: boolean,
  latestGate?: Pick<GateRead, "status" | "decision">,
): LessonState {
  if (streaming) return "writing";
  if (latestGate !== undefined && latestGate.status !== "pending" && latestGate.decision !== null) {
    return latestGate.decision === "reject" ? "rejected" : "approved";
  }
  const status = fetched?.status;
  return status === "drafted" || status === "rejected" || status === "approved" ? status : "planned";
}

/** Each lesson's latest gate (the highest round), by lesson key. */
export function latestLessonGates(gates: readonly GateRead[]): Map<string, GateRead> {
  const latest = new Map<string, GateRead>();
  for (const gate of gates) {
    if (gate.kind !== "lesson" || gate.lesson_key === null) continue;
    const known = latest.get(gate.lesson_key);
    if (known === undefined || gate.round >= known.round) latest.set(gate.lesson_key, gate);
  }
  return latest;
}

export function lessonStateLabel(state: LessonState): string {
  return LESSON_LABELS[state];
}
