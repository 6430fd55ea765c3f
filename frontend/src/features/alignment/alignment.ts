import type { components } from "../../api/schema";

type Outline = components["schemas"]["Outline"];

/**
 * One row of the matrix that assembly builds (app/workflow/nodes/assembly.py,
 * alignment_matrix): a course objective of the brief, the keys of the lessons that serve it
 * ("m1-l2") and of the quiz items that assess those lessons ("m1-q3": module m1, item 3).
 * `covered` needs both a lesson and a quiz item.
 */
export interface AlignmentRow {
  objective: string;
  index: number;
  lessons: string[];
  quiz_items: string[];
  covered: boolean;
}

/** The run state's `alignment`: every row, and the objectives that are not covered. */
export interface Alignment {
  objectives: AlignmentRow[];
  uncovered: string[];
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isRow(value: unknown): value is AlignmentRow {
  if (typeof value !== "object" || value === null) return false;
  const row = value as Record<string, unknown>;
  return (
    typeof row.objective === "string" &&
    typeof row.index === "number" &&
    isStringList(row.lessons) &&
    isStringList(row.quiz_items) &&
    typeof row.covered === "boolean"
  );
}

/**
 * The API types `alignment` as any object; this checks it has the shape assembly writes.
 * Returns null when it does not (a newer or older server), so the page can say so.
 */
export function parseAlignment(value: Record<string, unknown>): Alignment | null {
  const { objectives, uncovered } = value;
  if (!Array.isArray(objectives) || !objectives.every(isRow)) return null;
  return {
    objectives: [...objectives].sort((a, b) => a.index - b.index),
    uncovered: isStringList(uncovered) ? uncovered : objectives.filter((r) => !r.covered).map((r) => r.objective),
  };
}

/** Why a row is not covered, or null when it is. */
export function gapReason(row: AlignmentRow): string | null {
  if (row.covered) return null;
  if (row.lessons.length === 0) return "No lesson serves this objective.";
  if (row.quiz_items.length === 0) return "No quiz item assesses this objective.";
  return "Not covered by the latest assembly.";
}

export function coverageSummary(rows: readonly AlignmentRow[]): string {
  const total = rows.length;
  const gaps = rows.filter((r) => !r.covered).length;
  const objectives = total === 1 ? "objective" : "objectives";
  if (gaps === 0) return total === 1 ? "The 1 objective is covered" : `All ${total} ${objectives} are covered`;
  return `${gaps} of ${total} ${objectives} ${gaps === 1 ? "is" : "are"} not covered`;
}

export interface Labels {
  lesson(key: string): string;
  quizItem(key: string): string;
}

const QUIZ_ITEM_KEY = /^(m\d+)-q(\d+)$/;

/** Lessons and quiz items by their titles in the run's outline; unknown keys stay as keys. */
export function outlineLabels(outline: Outline | null | undefined): Labels {
  const lessons = new Map<string, string>();
  const modules = new Map<string, string>();
  for (const module of outline?.modules ?? []) {
    modules.set(module.key, module.title);
    for (const lesson of module.lessons) lessons.set(lesson.key, lesson.title);
  }
  return {
    lesson: (key) => lessons.get(key) ?? key,
    quizItem: (key) => {
      const match = QUIZ_ITEM_KEY.exec(key);
      if (match === null) return key;
      const module = modules.get(match[1]!);
      return module === undefined ? key : `${module} quiz, question ${match[2]!}`;
    },
  };
}
