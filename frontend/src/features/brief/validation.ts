import type { FieldIssue } from "../../api/errors";
import { codePointLength } from "../../lib/text";
import type { Brief, Level } from "./api/brief";

/**
 * The limits of the workflow's Brief (app/workflow/schemas.py) and its text types
 * (app/core/schemas.py), mirrored so the author hears about them before a request.
 */
export const LIMITS = {
  shortText: 200, // Name and ShortText: title, audience, tone
  language: 35,
  objective: 300,
  maxObjectives: 20,
  duration: { min: 5, max: 6000 },
  modules: { min: 1, max: 12 },
  lessonsPerModule: { min: 1, max: 10 },
  /**
   * MAX_SOURCE_BYTES' default (app/config.py). The server's value is configurable and not
   * published by the API, so a 413 (which states the real limit) is also shown on the field.
   */
  sourceBytes: 500_000,
} as const;

export const LEVELS: { value: Level; label: string }[] = [
  { value: "beginner", label: "Beginner" },
  { value: "intermediate", label: "Intermediate" },
  { value: "advanced", label: "Advanced" },
];

// The Brief's `language` pattern: lower-case primary subtag, as in "en", "pt-BR", "zh-Hant".
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
// What the server refuses in any text (NUL and other controls) and in single-line text.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
const LINE_BREAK = /[\r\n\t\u2028\u2029]/;
const WHOLE_NUMBER = /^\d+$/;

export interface Objective {
  id: string;
  text: string;
}

export interface BriefForm {
  title: string;
  audience: string;
  level: Level;
  duration_minutes: string;
  language: string;
  tone: string;
  objectives: Objective[];
  modules: string;
  lessons_per_module: string;
  source_material: string;
}

/** Every field an error can be shown against; `objectives` is the list as a whole. */
export type FieldName = keyof BriefForm;

/** In the order they appear on screen: the first one with an error gets the focus. */
export const FIELD_ORDER: readonly FieldName[] = [
  "title",
  "audience",
  "level",
  "duration_minutes",
  "language",
  "tone",
  "objectives",
  "modules",
  "lessons_per_module",
  "source_material",
];

export interface FormErrors {
  fields: Partial<Record<FieldName, string>>;
  /** By objective id, so an error stays with its objective when the list is reordered. */
  objectives: Record<string, string>;
}

export const NO_ERRORS: FormErrors = { fields: {}, objectives: {} };

export function hasErrors(errors: FormErrors): boolean {
  return Object.keys(errors.fields).length > 0 || Object.keys(errors.objectives).length > 0;
}

function singleLine(label: string, value: string, required: boolean): string | undefined {
  const text = value.trim();
  if (required && text === "") return `Enter the ${label}.`;
  if (codePointLength(text) > LIMITS.shortText) return `Keep the ${label} to ${LIMITS.shortText} characters or fewer.`;
  if (LINE_BREAK.test(text) || CONTROL.test(text)) return `The ${label} must be one line without control characters.`;
  return undefined;
}

function wholeNumber(label: string, value: string, range: { min: number; max: number }): string | undefined {
  const text = value.trim();
  const n = Number(text);
  if (!WHOLE_NUMBER.test(text) || n < range.min || n > range.max) {
    return `Enter ${label} as a whole number from ${range.min} to ${range.max}.`;
  }
  return undefined;
}

export function validateBrief(form: BriefForm): FormErrors {
  const fields: FormErrors["fields"] = {};
  const objectives: FormErrors["objectives"] = {};
  const set = (name: FieldName, message: string | undefined) => {
    if (message !== undefined) fields[name] = message;
  };

  set("title", singleLine("title", form.title, true));
  set("audience", singleLine("audience", form.audience, true));
  set("duration_minutes", wholeNumber("the duration in minutes", form.duration_minutes, LIMITS.duration));
  const language = form.language.trim();
  if (language === "") set("language", "Enter the language code, such as en or pt-BR.");
  else if (codePointLength(language) > LIMITS.language || !LANGUAGE.test(language)) {
    set("language", "Use a language code such as en, de or pt-BR (lower-case language first).");
  }
  set("tone", singleLine("tone", form.tone, false));
  if (form.objectives.length === 0) set("objectives", "Add at least one learning objective.");
  else if (form.objectives.length > LIMITS.maxObjectives) {
    set("objectives", `Keep to ${LIMITS.maxObjectives} learning objectives or fewer.`);
  }
  for (const objective of form.objectives) {
    const text = objective.text.trim();
    if (text === "") objectives[objective.id] = "Write this objective or remove it.";
    else if (codePointLength(text) > LIMITS.objective) {
      objectives[objective.id] = `Keep each objective to ${LIMITS.objective} characters or fewer.`;
    } else if (CONTROL.test(text)) objectives[objective.id] = "The objective contains control characters.";
  }
  set("modules", wholeNumber("the number of modules", form.modules, LIMITS.modules));
  set(
    "lessons_per_module",
    wholeNumber("the lessons per module", form.lessons_per_module, LIMITS.lessonsPerModule),
  );
  if (CONTROL.test(form.source_material)) {
    set("source_material", "The source material contains control characters; paste plain text.");
  } else if (new TextEncoder().encode(form.source_material.trim()).length > LIMITS.sourceBytes) {
    set("source_material", `The source material is over the limit of ${LIMITS.sourceBytes} bytes.`);
  }
  return { fields, objectives };
}

/** The request body for a valid form: text trimmed as the server would, numbers parsed. */
export function toBrief(form: BriefForm): Brief {
  return {
    title: form.title.trim(),
    audience: form.audience.trim(),
    level: form.level,
    duration_minutes: Number(form.duration_minutes.trim()),
    language: form.language.trim(),
    tone: form.tone.trim(),
    objectives: form.objectives.map((o) => o.text.trim()),
    source_material: form.source_material.trim(),
    modules: Number(form.modules.trim()),
    lessons_per_module: Number(form.lessons_per_module.trim()),
  };
}

/** Identifies a brief's content: an estimate belongs to exactly one. */
export function briefKey(brief: Brief): string {
  return JSON.stringify(brief);
}

const BRIEF_FIELDS: ReadonlySet<string> = new Set(FIELD_ORDER);

/**
 * Puts a 422's field issues on the form's fields. `loc` is ["body", "brief", field, index?]
 * for the run endpoints and ["body", field] for creating the course. What does not point at
 * a field comes back in `unplaced` for the top of the form.
 */
export function placeFieldIssues(
  issues: FieldIssue[],
  objectives: Objective[],
): { errors: FormErrors; unplaced: string[] } {
  const errors: FormErrors = { fields: {}, objectives: {} };
  const unplaced: string[] = [];
  for (const issue of issues) {
    const path = issue.loc[0] === "body" ? issue.loc.slice(1) : issue.loc;
    const rest = path[0] === "brief" ? path.slice(1) : path;
    const [field, index] = rest;
    if (typeof field !== "string" || !BRIEF_FIELDS.has(field)) {
      unplaced.push(issue.loc.length > 0 ? `${issue.loc.join(".")}: ${issue.msg}` : issue.msg);
      continue;
    }
    const name = field as FieldName;
    const objective = typeof index === "number" && name === "objectives" ? objectives[index] : undefined;
    if (objective !== undefined) errors.objectives[objective.id] ??= issue.msg;
    else errors.fields[name] ??= issue.msg;
  }
  return { errors, unplaced };
}

/** The first field (or objective) with an error, in screen order: it gets the focus. */
export function firstInvalid(errors: FormErrors, objectives: Objective[]): FieldName | Objective | null {
  for (const name of FIELD_ORDER) {
    if (errors.fields[name] !== undefined) return name;
    if (name === "objectives") {
      const objective = objectives.find((o) => errors.objectives[o.id] !== undefined);
      if (objective !== undefined) return objective;
    }
  }
  return null;
}
