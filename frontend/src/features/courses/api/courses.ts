import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components, paths } from "../../../api/schema";

export type CourseSummary = components["schemas"]["CourseSummary"];
export type CourseRead = components["schemas"]["CourseRead"];
export type CourseStatus = components["schemas"]["CourseStatus"];
export type CoursePage = components["schemas"]["Page_CourseSummary_"];
export type CourseListParams = NonNullable<
  paths["/api/v1/courses"]["get"]["parameters"]["query"]
>;

export const courseKeys = {
  all: ["courses"] as const,
  list: (params: CourseListParams) => ["courses", "list", params] as const,
  detail: (courseId: string) => ["courses", "detail", courseId] as const,
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
