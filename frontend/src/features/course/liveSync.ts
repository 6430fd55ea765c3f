import type { QueryKey } from "@tanstack/react-query";

import type { ToastTone } from "../../components/Toasts";
import type { CourseEvent } from "../../live/frames";
import { courseKeys } from "../courses/api/courses";
import { exportKeys } from "../exports/api/exports";
import { formatLabel } from "../exports/formats";
import { lessonKeys } from "../lessons/api/lessons";
import { reviewKeys } from "../reviews/api/reviews";
import { changesRunState } from "../run/stream";
import { runKeys } from "./api/runs";

/** The cached queries an event makes stale; a view showing them fetches them again. */
export function staleQueries(courseId: string, type: string): QueryKey[] {
  if (type.startsWith("export.")) return type === "export.progress" ? [] : [exportKeys.list(courseId)];
  if (type === "lesson.saved") return [lessonKeys.outline(courseId)]; // a title may have changed
  const run = changesRunState(type) ? [runKeys.all(courseId), courseKeys.detail(courseId), reviewKeys.pending] : [];
  return type === "lesson.ready" ? [...run, lessonKeys.outline(courseId)] : run;
}

/** Everything of the course a view may show: fetched again after the stream (re)starts. */
export function courseQueries(courseId: string): QueryKey[] {
  return [runKeys.all(courseId), courseKeys.detail(courseId), exportKeys.all(courseId), reviewKeys.pending];
}

export interface Notice {
  text: string;
  tone: ToastTone;
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** What is worth telling someone looking at the course; not what they just did themselves. */
export function noticeFor(event: CourseEvent, userId?: string): Notice | null {
  const p = event.payload;
  if (userId !== undefined && text(p.by) === userId) return null; // their own page said so
  switch (event.type) {
    case "run.waiting":
      return { text: "The workflow waits for a review.", tone: "info" };
    case "run.succeeded":
      return { text: "The workflow run finished.", tone: "success" };
    case "run.failed":
      return { text: `The workflow run failed: ${text(p.error) || "no reason given"}.`, tone: "error" };
    case "run.cancelled":
      return { text: "The workflow run was cancelled.", tone: "warning" };
    case "review.decided": {
      const kind = text(p.kind);
      const lesson = text(p.title) ? `“${text(p.title)}”` : text(p.lesson_key);
      const what = kind === "final" ? "course" : kind === "lesson" ? `lesson ${lesson}` : kind;
      const decision = text(p.decision);
      if (decision === "reject") {
        return { text: `The ${what} was rejected with feedback; it will be written again.`, tone: "warning" };
      }
      return { text: `The ${what} was ${decision === "edit" ? "edited and approved" : "approved"}.`, tone: "success" };
    }
    case "export.ready":
      return { text: `The ${formatLabel(text(p.format))} export is ready to download.`, tone: "success" };
    case "export.failed":
      return { text: `The ${formatLabel(text(p.format))} export failed: ${text(p.error)}`, tone: "error" };
    default:
      return null;
  }
}
