import type { GateRead, RunRead } from "./api/runs";

// The API types `status` and `phase` as plain strings; these are app/workflow/models.py
// RunStatus and the phases the graph's nodes set (app/workflow/nodes, set_phase).
export type RunStatus = "queued" | "running" | "waiting" | "succeeded" | "failed" | "cancelled";

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting: "Waiting for review",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const RUN_STATUS_STYLES: Record<RunStatus, string> = {
  queued: "bg-slate-100 text-slate-800",
  running: "bg-amber-100 text-amber-900",
  waiting: "bg-sky-100 text-sky-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
  cancelled: "bg-zinc-200 text-zinc-800",
};

export function isRunStatus(value: string): value is RunStatus {
  return Object.hasOwn(RUN_STATUS_LABELS, value);
}

export function runStatusLabel(status: string): string {
  return isRunStatus(status) ? RUN_STATUS_LABELS[status] : status;
}

/** Work is under way on the workers, so the state changes without anyone acting. */
export function isPolledStatus(status: string | undefined): boolean {
  return status === "queued" || status === "running";
}

const PHASE_LABELS: Record<string, string> = {
  brief: "Reading the brief",
  outline: "Outline",
  lessons: "Lessons",
  quizzes: "Quizzes and objective alignment",
  assembly: "Assembling the course",
};

export function phaseLabel(phase: string): string {
  return Object.hasOwn(PHASE_LABELS, phase) ? PHASE_LABELS[phase]! : phase;
}

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

/** The API sends money as a decimal string ("0.012300"). */
export function formatCost(costUsd: RunRead["cost_usd"]): string {
  const value = Number(costUsd);
  return Number.isFinite(value) ? usd.format(value) : costUsd;
}

export function pendingGates(gates: readonly GateRead[]): GateRead[] {
  return gates.filter((g) => g.status === "pending");
}

/** Lessons by their status in the run ("planned", "drafted", "rejected", "approved"). */
export function lessonProgress(lessons: Record<string, Record<string, unknown>>): { total: number; approved: number } {
  const all = Object.values(lessons);
  return { total: all.length, approved: all.filter((l) => l.status === "approved").length };
}
