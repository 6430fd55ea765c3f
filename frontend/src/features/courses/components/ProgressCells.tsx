import { Link } from "react-router-dom";

import { phaseLabel, runStatusLabel } from "../../course/run";
import type { CourseProgress, CourseSummary } from "../api/courses";

const LINK =
  "text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/** Lessons approved of all, with where the latest run is; a dash until it is known. */
export function ProgressCell({ course, progress }: { course: CourseSummary; progress: CourseProgress | undefined }) {
  if (progress === undefined) return <span className="text-slate-400">–</span>;
  const { lessons_total: total, lessons_approved: approved, run_status: status, phase } = progress;
  const run = status === null ? "No run yet" : `${phaseLabel(phase ?? "")}: ${runStatusLabel(status).toLowerCase()}`;
  return (
    <div className="min-w-40 space-y-1">
      {total > 0 && (
        <div className="flex items-center gap-2">
          <progress value={approved} max={total} aria-label={`Lessons approved in ${course.title}`} className="h-2 w-24 accent-emerald-600" />
          <span className="tabular-nums text-slate-700">
            {approved} of {total} approved
          </span>
        </div>
      )}
      <p className="text-xs text-slate-600">{run}</p>
    </div>
  );
}

/** How many reviews wait on the course, linked to its review queue. */
export function ReviewsCell({ course, progress }: { course: CourseSummary; progress: CourseProgress | undefined }) {
  if (progress === undefined) return <span className="text-slate-400">–</span>;
  const waiting = progress.pending_reviews;
  if (waiting === 0) return <span className="text-slate-600">None</span>;
  return (
    <Link
      to={`/reviews?${new URLSearchParams({ course: course.id }).toString()}`}
      aria-label={`${waiting} waiting for review in ${course.title}`}
      className={LINK}
    >
      {waiting} waiting
    </Link>
  );
}
