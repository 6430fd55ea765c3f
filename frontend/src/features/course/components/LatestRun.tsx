import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { Link } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { LoadFailed, retryButton } from "../../../components/LoadFailed";
import { formatDateTime } from "../../../lib/format";
import { courseKeys } from "../../courses/api/courses";
import { kindLabel } from "../../reviews/labels";
import { useRunState, useRuns, type GateRead, type RunRead } from "../api/runs";
import { RunStatusBadge } from "./RunStatusBadge";
import {
  formatCost,
  isPolledStatus,
  lessonProgress,
  pendingGates,
  phaseLabel,
} from "../run";


/** The course's newest workflow run: status, phase, cost and what waits for review. */
export function LatestRun({ courseId }: { courseId: string }) {
  const runs = useRuns(courseId);
  const latest = runs.data?.[0];

  return (
    <section aria-labelledby="latest-run-heading" className="space-y-3">
      <h2 id="latest-run-heading" className="text-xl font-semibold">
        Latest workflow run
      </h2>
      {runs.isPending ? (
        <p role="status" className="text-slate-600">
          Loading workflow runs…
        </p>
      ) : runs.isError ? (
        <LoadFailed what="the workflow runs" error={runs.error} onRetry={() => void runs.refetch()} />
      ) : latest === undefined ? (
        <p className="rounded-md bg-white p-8 text-center text-slate-600">
          No workflow run has started for this course.
        </p>
      ) : (
        <RunFacts courseId={courseId} listed={latest} />
      )}
    </section>
  );
}

function RunFacts({ courseId, listed }: { courseId: string; listed: RunRead }) {
  const state = useRunState(courseId, listed.id);
  // The state is fetched again while the run moves; its copy of the run is the fresher one.
  const run = state.data?.run ?? listed;
  const working = isPolledStatus(run.status);
  useCourseRefreshWhenSettled(courseId, run.status);

  const lessons = state.data !== undefined ? lessonProgress(state.data.lessons) : null;

  return (
    <div className="space-y-3">
      <p role="status" className="text-sm text-slate-600">
        {working && (
          <>
            This run is in progress.{" "}
            <Link to={`/courses/${encodeURIComponent(courseId)}/run`} className="text-indigo-700 underline">
              Watch it live
            </Link>
          </>
        )}
      </p>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg bg-white p-4 shadow sm:grid-cols-[max-content_1fr]">
        <Fact term="Status">
          <RunStatusBadge status={run.status} />
        </Fact>
        <Fact term="Phase">{phaseLabel(run.phase)}</Fact>
        {run.status === "failed" && (
          <Fact term="Failure reason">
            <span className="text-red-800">{run.error ?? "No reason was given."}</span>
          </Fact>
        )}
        <Fact term="Started">
          <time dateTime={run.started_at}>{formatDateTime(run.started_at)}</time>
        </Fact>
        {run.finished_at !== null && (
          <Fact term="Finished">
            <time dateTime={run.finished_at}>{formatDateTime(run.finished_at)}</time>
          </Fact>
        )}
        <Fact term={working ? "Cost so far" : "Cost"}>
          <span className="tabular-nums">{formatCost(run.cost_usd)}</span>
        </Fact>
        {lessons !== null && lessons.total > 0 && (
          <Fact term="Lessons">
            {lessons.approved} of {lessons.total} approved
          </Fact>
        )}
        <Fact term="Pending reviews">
          {state.isPending ? (
            <span className="text-slate-600">Loading…</span>
          ) : state.isError ? (
            <span role="alert" className="text-red-800">
              Could not load the run’s reviews: {errorMessage(state.error)}{" "}
              <button type="button" onClick={() => void state.refetch()} className={retryButton}>
                Try again
              </button>
            </span>
          ) : (
            <PendingGates courseId={courseId} gates={pendingGates(state.data.gates)} />
          )}
        </Fact>
      </dl>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-700">{term}</dt>
      <dd className="text-slate-900">{children}</dd>
    </>
  );
}

function PendingGates({ courseId, gates }: { courseId: string; gates: readonly GateRead[] }) {
  if (gates.length === 0) return <>None</>;
  return (
    <>
      {gates.length === 1 ? "1 gate waits for a reviewer:" : `${gates.length} gates wait for a reviewer:`}
      <ul className="mt-1 list-disc pl-5">
        {gates.map((gate) => (
          <li key={gate.id}>
            {kindLabel(gate.kind)}
            {gate.kind === "lesson" && gate.title !== "" && `: ${gate.title}`}
          </li>
        ))}
      </ul>
      <Link
        to={`/reviews?${new URLSearchParams({ course: courseId }).toString()}`}
        className="text-sm text-indigo-700 underline"
      >
        Open the review queue
      </Link>
    </>
  );
}

/**
 * The course's own status follows its run (generating while it works, in review once it
 * waits): when polling stops, the course is fetched again so the heading does not lag.
 */
function useCourseRefreshWhenSettled(courseId: string, status: string) {
  const queryClient = useQueryClient();
  const previous = useRef(status);
  useEffect(() => {
    const wasPolled = isPolledStatus(previous.current);
    previous.current = status;
    if (wasPolled && !isPolledStatus(status)) {
      void queryClient.invalidateQueries({ queryKey: courseKeys.detail(courseId) });
    }
  }, [courseId, status, queryClient]);
}
