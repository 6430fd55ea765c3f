import { Link, useParams } from "react-router-dom";

import { ApiError, errorMessage } from "../../../api/errors";
import { retryButton } from "../../../components/LoadFailed";
import { useMyCourseRole } from "../../admin/api/members";
import { useCurrentUser } from "../../auth/api/auth";
import { canStartRuns } from "../../auth/permissions";
import { useLatestRun, useRetryRun, type RunState } from "../../course/api/runs";
import { LiveCourseHeader } from "../../course/components/LiveCourseHeader";
import { RunStatusBadge } from "../../course/components/RunStatusBadge";
import { formatCost, pendingGates } from "../../course/run";
import { useCourse } from "../../courses/api/courses";
import type { LiveRun } from "../stream";
import { runSteps } from "../steps";
import { useLiveRun } from "../useLiveRun";
import { LessonList } from "./LessonList";
import { OutlineStreamView } from "./OutlineStreamView";
import { StepList } from "./StepList";


/** Route: /courses/:courseId/run — the course's latest run, live. */
export default function RunPage() {
  const { courseId } = useParams();
  if (courseId === undefined || courseId === "") return <p role="alert">No course was given.</p>;
  return <RunScreen key={courseId} courseId={courseId} />;
}

function RunScreen({ courseId }: { courseId: string }) {
  const course = useCourse(courseId);
  const { latest, state, isPending, error, retry } = useLatestRun(courseId);
  const live = useLiveRun(courseId, latest?.id ?? null);
  const title = course.data?.title;

  return (
    <section aria-labelledby="run-heading" className="space-y-6">
      <LiveCourseHeader courseId={courseId} courseTitle={title} what="workflow run" headingId="run-heading" />
      {isPending ? (
        <p role="status" className="text-slate-600">
          Loading the run…
        </p>
      ) : error !== null ? (
        <LoadError error={error} retry={retry} />
      ) : latest === null || state === undefined ? (
        <p className="rounded-md bg-white p-8 text-center text-slate-600">No workflow run has started for this course.</p>
      ) : (
        <RunDetails courseId={courseId} state={state} live={live} />
      )}
    </section>
  );
}

function LoadError({ error, retry }: { error: unknown; retry: () => void }) {
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
      <p>{missing ? "This course does not exist or you cannot see it." : `Could not load the run: ${errorMessage(error)}`}</p>
      {!missing && (
        <button type="button" onClick={retry} className={retryButton}>
          Try again
        </button>
      )}
    </div>
  );
}

function RunDetails({ courseId, state, live }: { courseId: string; state: RunState; live: LiveRun }) {
  const { run } = state;
  const pending = pendingGates(state.gates);
  // The fetched run is refreshed after every event that moves it; live phase and cost
  // show what happened since, until that fetch lands.
  const phase = live.phase ?? run.phase;
  const cost = live.costUsd ?? run.cost_usd;
  const working = run.status === "running" || run.status === "queued";
  // While the outline is written (first round or after feedback), it streams here.
  const writingOutline = working && phase === "outline" && !pending.some((g) => g.kind === "outline");
  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg bg-white p-4 shadow sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Status</dt>
        <dd>
          <RunStatusBadge status={run.status} />
        </dd>
        <dt className="font-medium text-slate-700">{working ? "Cost so far" : "Cost"}</dt>
        <dd className="tabular-nums">{formatCost(cost)}</dd>
      </dl>
      {run.status === "failed" && <RunFailed courseId={courseId} runId={run.id} error={run.error} />}
      {pending.length > 0 && (
        <p className="rounded-md bg-sky-50 p-4 text-sky-950">
          {pending.length === 1 ? "1 review waits." : `${pending.length} reviews wait.`}{" "}
          {pending.some((g) => g.kind === "outline") ? (
            <Link to={`/courses/${encodeURIComponent(courseId)}/outline`} className="text-indigo-700 underline">
              Review the outline
            </Link>
          ) : (
            <Link to={`/reviews?${new URLSearchParams({ course: courseId }).toString()}`} className="text-indigo-700 underline">
              Open the review queue
            </Link>
          )}
        </p>
      )}
      <StepList steps={runSteps(run, phase, pending)} />
      {writingOutline && live.outline !== null && <OutlineStreamView stream={live.outline} />}
      <LessonList courseId={courseId} outline={state.outline} lessons={state.lessons} gates={state.gates} streams={live.streams} />
    </div>
  );
}

function RunFailed({ courseId, runId, error }: { courseId: string; runId: string; error: string | null }) {
  const user = useCurrentUser();
  const courseRole = useMyCourseRole(courseId, user?.id);
  const retry = useRetryRun(courseId);
  const allowed = canStartRuns(user?.role, courseRole);
  return (
    <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
      <p className="font-medium">The run failed: {error ?? "no reason was given."}</p>
      {allowed ? (
        <>
          <p className="mt-1 text-sm">Retrying resumes from the last step that finished; nothing approved is redone.</p>
          <button type="button" onClick={() => retry.mutate(runId)} disabled={retry.isPending} className={retryButton}>
            {retry.isPending ? "Retrying…" : "Retry the run"}
          </button>
          {retry.isError && <p className="mt-2 text-sm">Could not retry: {errorMessage(retry.error)}</p>}
        </>
      ) : (
        <p className="mt-1 text-sm">An editor of this course can retry it.</p>
      )}
    </div>
  );
}
