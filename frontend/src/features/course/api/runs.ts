import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { useLiveStatus } from "../../../live/context";
import { isPolledStatus } from "../run";

export type RunRead = components["schemas"]["RunRead"];
export type RunState = components["schemas"]["RunState"];
export type GateRead = components["schemas"]["GateRead"];

/** While the latest run is queued or running, its state is fetched again this often. */
export const RUN_POLL_MS = 2000;

export const runKeys = {
  all: (courseId: string) => ["courses", courseId, "runs"] as const,
  list: (courseId: string) => ["courses", courseId, "runs", "list"] as const,
  state: (courseId: string, runId: string) => ["courses", courseId, "runs", "state", runId] as const,
};

// Fetchers

export async function fetchRuns(client: ApiClient, courseId: string, signal?: AbortSignal): Promise<RunRead[]> {
  const runs = unwrap(
    await client.GET("/api/v1/courses/{course_id}/runs", { params: { path: { course_id: courseId } }, signal }),
  );
  // The server sends newest first (started_at descending, at most 100); sorting again keeps
  // that true whatever the order, so runs[0] is always the latest.
  return newestFirst(runs);
}

export async function fetchRunState(
  client: ApiClient,
  courseId: string,
  runId: string,
  signal?: AbortSignal,
): Promise<RunState> {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/runs/{run_id}", {
      params: { path: { course_id: courseId, run_id: runId } },
      signal,
    }),
  );
}

/** A failed run resumes from its last checkpoint (202); the work already done is kept. */
export async function retryRun(client: ApiClient, courseId: string, runId: string): Promise<RunRead> {
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/runs/{run_id}/retry", {
      params: { path: { course_id: courseId, run_id: runId } },
    }),
  );
}

export function newestFirst(runs: readonly RunRead[]): RunRead[] {
  return [...runs].sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at));
}

// Query options

export function runsQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    queryKey: runKeys.list(courseId),
    queryFn: ({ signal }) => fetchRuns(client, courseId, signal),
  });
}

export function runStateQueryOptions(client: ApiClient, courseId: string, runId: string) {
  return queryOptions({
    queryKey: runKeys.state(courseId, runId),
    queryFn: ({ signal }) => fetchRunState(client, courseId, runId, signal),
    // Polling stands in for live events while the socket is down (useRunState turns it off
    // when live). It stops once the run waits at a gate, fails or ends: nothing moves
    // without a person then.
    refetchInterval: (query) => (isPolledStatus(query.state.data?.run.status) ? RUN_POLL_MS : false),
  });
}

// Hooks

export function useRuns(courseId: string) {
  const { client } = useApi();
  return useQuery(runsQueryOptions(client, courseId));
}

/**
 * The state of one run (gates, lessons, cost); `runId` null waits for the run list. While
 * live events arrive they refresh it (useCourseLive); polling covers a socket that is down.
 */
export function useRunState(courseId: string, runId: string | null) {
  const { client } = useApi();
  const live = useLiveStatus() === "live";
  const options = runStateQueryOptions(client, courseId, runId ?? "");
  return useQuery({
    ...options,
    refetchInterval: live ? false : options.refetchInterval,
    enabled: runId !== null,
  });
}

export function useRetryRun(courseId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) => retryRun(client, courseId, runId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: runKeys.all(courseId) }),
  });
}

/** The course's newest run and its state, loaded one after the other, as one result. */
export function useLatestRun(courseId: string) {
  const runs = useRuns(courseId);
  const latest = runs.data?.[0] ?? null;
  const state = useRunState(courseId, latest?.id ?? null);
  return {
    latest,
    state: state.data,
    isPending: runs.isPending || (latest !== null && state.isPending),
    error: runs.isError ? runs.error : state.isError ? state.error : null,
    retry: () => void (runs.isError ? runs.refetch() : state.refetch()),
  };
}
