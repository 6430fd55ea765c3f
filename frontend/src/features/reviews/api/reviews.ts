import {
  keepPreviousData,
  queryOptions,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components, paths } from "../../../api/schema";
import { useCoursesFeed, useLiveStatus } from "../../../live/context";
import { membersQueryOptions, type Member } from "../../admin/api/members";
import { courseQueryOptions, type CourseRead } from "../../courses/api/courses";

export type Gate = components["schemas"]["GateRead"];
export type GatePage = components["schemas"]["Page_GateRead_"];
export type GateKind = components["schemas"]["GateKind"];
export type Decision = components["schemas"]["DecisionCreate"];
export type CourseSummary = components["schemas"]["CourseSummary"];
export type PendingParams = NonNullable<
  paths["/api/v1/reviews/pending"]["get"]["parameters"]["query"]
>;

/** DecisionCreate.feedback maxLength in src/api/openapi.json (a test keeps the two equal). */
export const FEEDBACK_MAX_LENGTH = 10_000;

// The courses feed refetches the queue as gates open and close; polling covers only a
// socket that is down.
export const QUEUE_REFETCH_MS = 15_000;

export const reviewKeys = {
  pending: ["reviews", "pending"] as const,
  pendingList: (params: PendingParams) => ["reviews", "pending", params] as const,
  courseOptions: ["reviews", "course-options"] as const,
};

// Fetchers

export async function fetchPendingReviews(
  client: ApiClient,
  params: PendingParams,
  signal?: AbortSignal,
): Promise<GatePage> {
  return unwrap(await client.GET("/api/v1/reviews/pending", { params: { query: params }, signal }));
}

export interface DecideInput {
  gate: Pick<Gate, "id" | "run_id" | "course_id">;
  decision: Decision["decision"];
  feedback: string;
  /** With decision "edit" at the outline gate: the edited outline, approved as edited. */
  outline?: Decision["outline"];
}

export async function decideGate(client: ApiClient, { gate, decision, feedback, outline }: DecideInput): Promise<Gate> {
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/runs/{run_id}/gates/{gate_id}/decision", {
      params: { path: { course_id: gate.course_id, run_id: gate.run_id, gate_id: gate.id } },
      body: outline === undefined ? { decision, feedback } : { decision, feedback, outline },
    }),
  );
}

/** The courses to filter by: the first 100 readable ones, by title. */
export async function fetchCourseOptions(client: ApiClient, signal?: AbortSignal): Promise<CourseSummary[]> {
  const page = unwrap(
    await client.GET("/api/v1/courses", { params: { query: { sort: "title", page_size: 100 } }, signal }),
  );
  return page.items;
}

// Query options

export function pendingReviewsQueryOptions(client: ApiClient, params: PendingParams) {
  return queryOptions({
    queryKey: reviewKeys.pendingList(params),
    queryFn: ({ signal }) => fetchPendingReviews(client, params, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
    refetchInterval: QUEUE_REFETCH_MS,
  });
}

// GateRead carries no course title: it is looked up once per course (see the report's API gap).
export function courseTitleQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    ...courseQueryOptions(client, courseId),
    select: (course: CourseRead) => course.title,
    staleTime: 10 * 60_000,
  });
}

// Hooks

export function usePendingReviews(params: PendingParams) {
  const { client } = useApi();
  const live = useLiveStatus() === "live";
  const queryClient = useQueryClient();
  // Gates open and close with run and review events of any readable course.
  useCoursesFeed(() => void queryClient.invalidateQueries({ queryKey: reviewKeys.pending }));
  const options = pendingReviewsQueryOptions(client, params);
  return useQuery({ ...options, refetchInterval: live ? false : options.refetchInterval });
}

/** Course id -> title, for the ids given (missing while loading or when unreadable). */
export function useCourseTitles(courseIds: readonly string[]): ReadonlyMap<string, string> {
  const { client } = useApi();
  return useQueries({
    queries: courseIds.map((id) => courseTitleQueryOptions(client, id)),
    combine: (results) =>
      new Map(
        results.flatMap((result, i) => (result.data !== undefined ? [[courseIds[i]!, result.data] as const] : [])),
      ),
  });
}

/**
 * Course id -> the caller's membership role there (null: not a member), for the ids given.
 * Disabled when the global role already decides everywhere: no need to ask.
 */
export function useCourseRoles(
  courseIds: readonly string[],
  userId: string | undefined,
  enabled: boolean,
): ReadonlyMap<string, Member["role"] | null> {
  const { client } = useApi();
  return useQueries({
    queries: courseIds.map((id) => ({
      ...membersQueryOptions(client, id),
      staleTime: 5 * 60_000,
      enabled: enabled && userId !== undefined,
    })),
    combine: (results) =>
      new Map(
        results.flatMap((result, i) =>
          result.data !== undefined
            ? [[courseIds[i]!, result.data.find((m) => m.user_id === userId)?.role ?? null] as const]
            : [],
        ),
      ),
  });
}

export function useCourseOptions() {
  const { client } = useApi();
  return useQuery({
    queryKey: reviewKeys.courseOptions,
    queryFn: ({ signal }) => fetchCourseOptions(client, signal),
    staleTime: 5 * 60_000,
  });
}

/** One decision on one gate. On success the gate leaves every cached queue page at once. */
export function useDecideGate() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DecideInput) => decideGate(client, input),
    onSuccess: (_gate, { gate }) => {
      queryClient.setQueriesData<GatePage>({ queryKey: reviewKeys.pending }, (page) =>
        page === undefined
          ? page
          : { ...page, items: page.items.filter((g) => g.id !== gate.id), total: Math.max(0, page.total - 1) },
      );
      // Not awaited: the decision is done; the refetch only confirms it in the background.
      void queryClient.invalidateQueries({ queryKey: reviewKeys.pending });
    },
  });
}
