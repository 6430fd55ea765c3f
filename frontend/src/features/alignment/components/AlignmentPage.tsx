import { Link, useParams } from "react-router-dom";

import { LoadFailed } from "../../../components/LoadFailed";
import { useRunState, useRuns, type RunRead, type RunState } from "../../course/api/runs";
import { useCourseLive } from "../../course/useCourseLive";
import { isPolledStatus, phaseLabel, runStatusLabel } from "../../course/run";
import { coverageSummary, gapReason, outlineLabels, parseAlignment, type AlignmentRow, type Labels } from "../alignment";

const notice = "rounded-md bg-white p-6 text-slate-700 shadow";

/** Route: /courses/:courseId/alignment */
export default function AlignmentPage() {
  const { courseId } = useParams();
  if (courseId === undefined || courseId === "") {
    return <p role="alert">No course was given.</p>;
  }
  // Keyed so nothing carries over from one course to the next.
  return <AlignmentScreen key={courseId} courseId={courseId} />;
}

function AlignmentScreen({ courseId }: { courseId: string }) {
  const runs = useRuns(courseId);
  useCourseLive(courseId);
  const latest = runs.data?.[0];

  return (
    <section aria-labelledby="alignment-heading" className="space-y-6">
      <div className="space-y-2">
        <Link to={`/courses/${encodeURIComponent(courseId)}`} className="text-sm text-indigo-700 underline">
          Back to the course
        </Link>
        <h1 id="alignment-heading" className="text-2xl font-semibold">
          Objectives alignment
        </h1>
        <p className="text-slate-600">
          Each course objective with the lessons that serve it and the quiz items that assess it, from the latest
          workflow run.
        </p>
      </div>
      {runs.isPending ? (
        <p role="status" className="text-slate-600">
          Loading workflow runs…
        </p>
      ) : runs.isError ? (
        <LoadFailed what="the workflow runs" error={runs.error} onRetry={() => void runs.refetch()} />
      ) : latest === undefined ? (
        <p className={notice}>
          No workflow run has started for this course, so there is no alignment matrix yet. It is built when a run
          assembles the course.
        </p>
      ) : (
        <RunAlignment courseId={courseId} listed={latest} />
      )}
    </section>
  );
}

function RunAlignment({ courseId, listed }: { courseId: string; listed: RunRead }) {
  const state = useRunState(courseId, listed.id);

  if (state.isPending) {
    return (
      <p role="status" className="text-slate-600">
        Loading the alignment matrix…
      </p>
    );
  }
  if (state.isError) {
    return (
      <LoadFailed what="the latest run" error={state.error} onRetry={() => void state.refetch()} />
    );
  }
  const { run, alignment } = state.data;
  if (alignment === null) return <NotAssembled run={run} />;

  const parsed = parseAlignment(alignment);
  if (parsed === null) {
    return (
      <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
        The alignment matrix of this run has a shape this page does not know, so it cannot be shown.
      </p>
    );
  }
  return <Matrix rows={parsed.objectives} labels={outlineLabels(state.data.outline)} run={run} />;
}

function NotAssembled({ run }: { run: RunState["run"] }) {
  const moving = isPolledStatus(run.status);
  return (
    <div className={`${notice} space-y-2`}>
      <p>
        There is no alignment matrix yet: the latest run has not reached assembly. It is in the{" "}
        <strong>{phaseLabel(run.phase)}</strong> phase ({runStatusLabel(run.status).toLowerCase()}).
      </p>
      <p role="status" className="text-sm text-slate-600">
        {moving && "This run is in progress; this page follows it as it moves."}
      </p>
    </div>
  );
}

function Matrix({ rows, labels, run }: { rows: readonly AlignmentRow[]; labels: Labels; run: RunState["run"] }) {
  const gaps = rows.filter((r) => !r.covered).length;
  return (
    <div className="space-y-4">
      <p
        role="status"
        className={`rounded-md p-4 font-medium ${gaps > 0 ? "bg-red-50 text-red-900" : "bg-emerald-50 text-emerald-900"}`}
      >
        {coverageSummary(rows)}
        {gaps > 0 && ": an objective is covered when a lesson serves it and a quiz item assesses it."}
      </p>
      {rows.length === 0 ? (
        <p className={notice}>The brief of this run has no objectives.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white shadow">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
            <caption className="sr-only">
              Course objectives with the lessons and quiz items that cover them (phase: {phaseLabel(run.phase)})
            </caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-4 py-2 font-semibold text-slate-700">
                  Objective
                </th>
                <th scope="col" className="px-4 py-2 font-semibold text-slate-700">
                  Lessons
                </th>
                <th scope="col" className="px-4 py-2 font-semibold text-slate-700">
                  Quiz items
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {rows.map((row) => (
                <Row key={row.index} row={row} labels={labels} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Row({ row, labels }: { row: AlignmentRow; labels: Labels }) {
  const reason = gapReason(row);
  return (
    <tr className={reason === null ? undefined : "bg-red-50"}>
      <th scope="row" className={`px-4 py-3 align-top font-normal ${reason === null ? "" : "border-l-4 border-red-600"}`}>
        <span className="block text-slate-900">{row.objective}</span>
        {reason === null ? (
          <span className="mt-1 inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">
            Covered
          </span>
        ) : (
          <span className="mt-1 block text-xs text-red-900">
            <span className="inline-block rounded-full bg-red-100 px-2 py-0.5 font-semibold">Not covered</span>{" "}
            {reason}
          </span>
        )}
      </th>
      <td className="px-4 py-3 align-top">
        <Items keys={row.lessons} label={labels.lesson} />
      </td>
      <td className="px-4 py-3 align-top">
        <Items keys={row.quiz_items} label={labels.quizItem} />
      </td>
    </tr>
  );
}

function Items({ keys, label }: { keys: readonly string[]; label: (key: string) => string }) {
  if (keys.length === 0) return <span className="text-slate-500">None</span>;
  return (
    <ul className="list-disc space-y-1 pl-4">
      {keys.map((key) => (
        <li key={key}>{label(key)}</li>
      ))}
    </ul>
  );
}
