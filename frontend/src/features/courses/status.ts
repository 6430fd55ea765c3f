import type { CourseStatus } from "./api/courses";

// A Record over the generated union: a status added to the API fails the type check here.
export const STATUS_LABELS: Record<CourseStatus, string> = {
  draft: "Draft",
  generating: "Generating",
  in_review: "In review",
  approved: "Approved",
  archived: "Archived",
};

export const COURSE_STATUSES = Object.keys(STATUS_LABELS) as CourseStatus[];

export function isCourseStatus(value: string | null): value is CourseStatus {
  return value !== null && Object.hasOwn(STATUS_LABELS, value);
}

export const STATUS_STYLES: Record<CourseStatus, string> = {
  draft: "bg-slate-100 text-slate-800",
  generating: "bg-amber-100 text-amber-900",
  in_review: "bg-sky-100 text-sky-900",
  approved: "bg-emerald-100 text-emerald-900",
  archived: "bg-zinc-200 text-zinc-800",
};
