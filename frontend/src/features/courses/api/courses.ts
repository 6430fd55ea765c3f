import { keepPreviousData, queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components, paths } from "../../../api/schema";
import { useCoursesFeed } from "../../../live/context";

export type CourseSummary = components["schemas"]["CourseSummary"];
export type CourseRead = components["schemas"]["CourseRead"];
export type CourseStatus = components["schemas"]["CourseStatus"];
export type CoursePage = components["schemas"]["Page_CourseSummary_"];
export type CourseProgress = components["schemas"]["CourseProgress"];
export type CourseListParams = NonNullable<
  paths["/api/v1/courses"]["get"]["parameters"]["query"]
>;

export const courseKeys = {
  all: ["courses"] as const,
  list: (params: CourseListParams) => ["courses", "list", params] as const,
  detail: (courseId: string) => ["courses", "detail", courseId] as const,
  progress: (courseIds: readonly string[]) => ["courses", "progress", courseIds] as const,
};

export async function fetchCourses(
  client: ApiClient,
  params: CourseListParams,
  signal?: AbortSignal,
): Promise<CoursePage> {
  return unwrap(await client.GET("/api/v1/courses", { params: { query: params }, signal }));
}

export async function fetchCourse(client: ApiClient, courseId: string, signal?: AbortSignal): Promise<CourseRead> {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}", { params: { path: { course_id: courseId } }, signal }),
  );
}

export function courseQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    queryKey: courseKeys.detail(courseId),
    queryFn: ({ signal }) => fetchCourse(client, courseId, signal),
  });
}

export function coursesQueryOptions(client: ApiClient, params: CourseListParams) {
  return queryOptions({
    queryKey: courseKeys.list(params),
    queryFn: ({ signal }) => fetchCourses(client, params, signal),
    // Keep the current page on screen while the next one (or a new search) loads.
    placeholderData: keepPreviousData,
  });
}

export function useCourses(params: CourseListParams) {
  const { client } = useApi();
  return useQuery(coursesQueryOptions(client, params));
}

export function useCourse(courseId: string) {
  const { client } = useApi();
  return useQuery(courseQueryOptions(client, courseId));
}

export async function fetchCourseProgress(
  client: ApiClient,
  courseIds: readonly string[],
  signal?: AbortSignal,
): Promise<CourseProgress[]> {
  return unwrap(await client.GET("/api/v1/progress", { params: { query: { course_id: [...courseIds] } }, signal }));
}

/** Where each listed course stands (latest run, lessons approved, reviews waiting), by id. */
export function useCourseProgress(courseIds: readonly string[]): ReadonlyMap<string, CourseProgress> {
  const { client } = useApi();
  const progress = useQuery({
    queryKey: courseKeys.progress(courseIds),
    queryFn: ({ signal }) => fetchCourseProgress(client, courseIds, signal),
    enabled: courseIds.length > 0,
    placeholderData: keepPreviousData,
  });
  const items = progress.data ?? [];
  return new Map(items.map((item) => [item.course_id, item]));
}

/** Course lists (and their progress) refetched when a listed course moves: the courses feed. */
export function useLiveCourseLists(): void {
  const queryClient = useQueryClient();
  useCoursesFeed(() => void queryClient.invalidateQueries({ queryKey: courseKeys.all }));
}
