import { useEffect, useId, useMemo, useRef, useState } from "react";

import { errorMessage } from "../../../api/errors";
import { pageParam, useUrlParams, type ParamChanges } from "../../../lib/urlParams";
import { useCurrentUser } from "../../auth/api/auth";
import {
  useCourseOptions,
  useCourseRoles,
  useCourseTitles,
  usePendingReviews,
  type PendingParams,
} from "../api/reviews";
import { GATE_KINDS, isGateKind, KIND_LABELS } from "../labels";
import { canDecideReviews, decidesGlobally } from "../../auth/permissions";
import { ReviewRow, type DecisionOutcome } from "./ReviewRow";

export const PAGE_SIZE = 50;

/** Filters live in the URL (`kind`, `course`, `page`), so a filtered queue can be shared. */
function useQueueParams(): [PendingParams, (changes: ParamChanges) => void] {
  const [searchParams, update] = useUrlParams();
  const kind = searchParams.get("kind");
  const course = searchParams.get("course")?.trim() ?? "";
  const params: PendingParams = {
    page: pageParam(searchParams),
    page_size: PAGE_SIZE,
    ...(isGateKind(kind) ? { kind } : {}),
    ...(course !== "" ? { course_id: course } : {}),
  };
  return [params, update];
}

/** The time "waiting since" is measured from; ticks so relative times stay true between fetches. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const SELECT =
  "mt-1 rounded-md border border-slate-300 px-3 py-1.5 focus:outline-none focus:ring-2 focus:ring-indigo-500";

export default function ReviewQueuePage() {
  const user = useCurrentUser();
  const [params, update] = useQueueParams();
  const queue = usePendingReviews(params);
  const courseOptions = useCourseOptions();
  const now = useNow(30_000);
  const ids = { heading: useId(), kind: useId(), course: useId() };
  const heading = useRef<HTMLHeadingElement>(null);
  const [announcement, setAnnouncement] = useState("");
  const [conflict, setConflict] = useState<string | null>(null);
  const refocus = useRef(false);

  const gates = queue.data?.items ?? [];
  const courseIds = useMemo(() => [...new Set(gates.map((g) => g.course_id))], [gates]);
  const titles = useCourseTitles(courseIds);
  const global = decidesGlobally(user?.role);
  // Only asked when the global role does not already decide: course owners and course reviewers.
  const courseRoles = useCourseRoles(courseIds, user?.id, user !== null && !global);
  const mayDecide = (courseId: string) =>
    user !== null && canDecideReviews(user.role, courseRoles.get(courseId));
  const showActions = gates.some((g) => mayDecide(g.course_id));

  function onOutcome(outcome: DecisionOutcome) {
    if (outcome.kind === "decided") {
      setConflict(null);
      setAnnouncement(outcome.message);
    } else {
      setConflict(outcome.message);
      void queue.refetch();
    }
    refocus.current = true;
  }

  // After a decision the row that had focus leaves the list: continue from the top of the queue
  // instead of leaving keyboard focus on the page body.
  useEffect(() => {
    if (!refocus.current) return;
    const active = document.activeElement;
    if (active === null || active === document.body || !active.isConnected) {
      refocus.current = false;
      heading.current?.focus();
    }
  }, [gates]);

  const selectedCourse = params.course_id ?? null;
  const filtered = params.kind !== undefined || params.course_id !== undefined;
  const total = queue.data?.total ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <section aria-labelledby={ids.heading} className="space-y-4">
      <h1 id={ids.heading} ref={heading} tabIndex={-1} className="text-2xl font-semibold focus:outline-none">
        Reviews waiting
      </h1>

      {user !== null && !global && (
        <p className="text-sm text-slate-600">
          You see the gates of every course you can read. Approving and rejecting need the reviewer or admin
          role, globally or on the course.
        </p>
      )}

      <form role="search" aria-label="Filter reviews" className="flex flex-wrap gap-4" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor={ids.kind} className="block text-sm font-medium">
            Gate
          </label>
          <select
            id={ids.kind}
            value={params.kind ?? ""}
            onChange={(e) => update({ kind: e.target.value, page: null })}
            className={SELECT}
          >
            <option value="">All gates</option>
            {GATE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.course} className="block text-sm font-medium">
            Course
          </label>
          <select
            id={ids.course}
            value={params.course_id ?? ""}
            onChange={(e) => update({ course: e.target.value, page: null })}
            className={SELECT}
          >
            <option value="">All courses</option>
            {selectedCourse !== null && !(courseOptions.data ?? []).some((c) => c.id === selectedCourse) && (
              <option value={selectedCourse}>{titles.get(selectedCourse) ?? "Selected course"}</option>
            )}
            {(courseOptions.data ?? []).map((course) => (
              <option key={course.id} value={course.id}>
                {course.title}
              </option>
            ))}
          </select>
        </div>
      </form>

      <p role="status" aria-live="polite" className="text-sm text-emerald-800">
        {announcement}
      </p>
      {conflict !== null && (
        <div role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
          <p>{conflict}</p>
          <button
            type="button"
            onClick={() => setConflict(null)}
            className="mt-2 rounded-md border border-amber-300 bg-white px-3 py-1 text-sm"
          >
            Dismiss
          </button>
        </div>
      )}

      {queue.isPending ? (
        <p role="status" className="text-slate-600">
          Loading the review queue…
        </p>
      ) : queue.isError ? (
        <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
          <p>Could not load the review queue: {errorMessage(queue.error)}</p>
          <button
            type="button"
            onClick={() => void queue.refetch()}
            className="mt-2 rounded-md border border-red-300 bg-white px-3 py-1 text-sm"
          >
            Try again
          </button>
        </div>
      ) : gates.length === 0 ? (
        <p className="rounded-md bg-white p-8 text-center text-slate-600">
          {filtered ? "Nothing matching these filters is waiting for review." : "Nothing is waiting for review."}
        </p>
      ) : (
        <div aria-busy={queue.isFetching} className="overflow-x-auto rounded-lg shadow">
          <table className="min-w-full divide-y divide-slate-200 bg-white text-left text-sm">
            <caption className="sr-only">Pending reviews, oldest first</caption>
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Course
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Under review
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Waiting since
                </th>
                {showActions && (
                  <th scope="col" className="px-4 py-2 font-medium">
                    Decision
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {gates.map((gate) => (
                <ReviewRow
                  key={gate.id}
                  gate={gate}
                  courseTitle={titles.get(gate.course_id)}
                  showActions={showActions}
                  canDecide={mayDecide(gate.course_id)}
                  now={now}
                  onOutcome={onOutcome}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {queue.data !== undefined && total > PAGE_SIZE && (
        <nav aria-label="Queue pages" className="flex items-center gap-4 text-sm">
          <button
            type="button"
            disabled={params.page === 1}
            onClick={() => update({ page: String((params.page ?? 1) - 1) })}
            className="rounded-md border border-slate-300 px-3 py-1 disabled:opacity-50"
          >
            Previous
          </button>
          <span>
            Page {params.page} of {lastPage} ({total} waiting)
          </span>
          <button
            type="button"
            disabled={(params.page ?? 1) >= lastPage}
            onClick={() => update({ page: String((params.page ?? 1) + 1) })}
            className="rounded-md border border-slate-300 px-3 py-1 disabled:opacity-50"
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
