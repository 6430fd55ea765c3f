import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components, paths } from "../../../api/schema";

export type CourseSummary = components["schemas"]["CourseSummary"];
export type CourseStatus = components["schemas"]["CourseStatus"];
export type CoursePage = components["schemas"]["Page_CourseSummary_"];
export type CourseListParams = NonNullable<
  paths["/api/v1/courses"]["get"]["parameters"]["query"]
>;

export const courseKeys = {
  all: ["courses"] as const,
  list: (params: CourseListParams) => ["courses", "list", params] as const,
};

export async function fetchCourses(
  client: ApiClient,
  params: CourseListParams,
  signal?: AbortSignal,
): Promise<CoursePage> {
  return unwrap(await client.GET("/api/v1/courses", { params: { query: params }, signal }));
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
