import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";

export type Lesson = components["schemas"]["LessonRead"];
export type Revision = components["schemas"]["RevisionRead"];
export type ModuleRead = components["schemas"]["ModuleRead"];
export type Asset = components["schemas"]["AssetRead"];

/** What an author edits; `version` is the one they started from (409 when someone saved since). */
export interface LessonChange {
  title: string;
  objectives: string[];
  content: string;
  version: number;
}

export const lessonKeys = {
  outline: (courseId: string) => ["courses", courseId, "outline"] as const,
  lesson: (courseId: string, lessonId: string) => ["courses", courseId, "lessons", lessonId] as const,
  revisions: (courseId: string, lessonId: string) => ["courses", courseId, "lessons", lessonId, "revisions"] as const,
  assets: (courseId: string) => ["courses", courseId, "assets"] as const,
};

const path = (courseId: string, lessonId: string) => ({ params: { path: { course_id: courseId, lesson_id: lessonId } } });

// Fetchers

export async function fetchLesson(client: ApiClient, courseId: string, lessonId: string, signal?: AbortSignal) {
  return unwrap(await client.GET("/api/v1/courses/{course_id}/lessons/{lesson_id}", { ...path(courseId, lessonId), signal }));
}

export async function saveLesson(client: ApiClient, courseId: string, lessonId: string, change: LessonChange) {
  return unwrap(
    await client.PATCH("/api/v1/courses/{course_id}/lessons/{lesson_id}", { ...path(courseId, lessonId), body: change }),
  );
}

export async function fetchRevisions(client: ApiClient, courseId: string, lessonId: string, signal?: AbortSignal) {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/lessons/{lesson_id}/revisions", { ...path(courseId, lessonId), signal }),
  );
}

export async function fetchOutline(client: ApiClient, courseId: string, signal?: AbortSignal) {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/outline", { params: { path: { course_id: courseId } }, signal }),
  );
}

export async function fetchAssets(client: ApiClient, courseId: string, signal?: AbortSignal) {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/assets", { params: { path: { course_id: courseId } }, signal }),
  );
}

export async function uploadAsset(client: ApiClient, courseId: string, file: File): Promise<Asset> {
  const form = new FormData();
  form.append("file", file);
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/assets", {
      params: { path: { course_id: courseId } },
      // openapi-fetch sends FormData as is; the schema types the part as a string.
      body: form as unknown as { file: string },
      bodySerializer: (body) => body as unknown as FormData,
    }),
  );
}

/** An image's bytes, fetched with the caller's token (an <img> cannot send one). */
export async function fetchAssetBlob(client: ApiClient, courseId: string, name: string, signal?: AbortSignal) {
  const result = await client.GET("/api/v1/courses/{course_id}/assets/{name}", {
    params: { path: { course_id: courseId, name } },
    parseAs: "blob",
    signal,
  });
  return unwrap(result) as unknown as Blob;
}

// Hooks

export function lessonQueryOptions(client: ApiClient, courseId: string, lessonId: string) {
  return queryOptions({
    queryKey: lessonKeys.lesson(courseId, lessonId),
    queryFn: ({ signal }) => fetchLesson(client, courseId, lessonId, signal),
    staleTime: Infinity, // the editor owns it once loaded; saves and conflicts update it
  });
}

export function useLesson(courseId: string, lessonId: string) {
  const { client } = useApi();
  return useQuery(lessonQueryOptions(client, courseId, lessonId));
}

export function useRevisions(courseId: string, lessonId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: lessonKeys.revisions(courseId, lessonId),
    queryFn: ({ signal }) => fetchRevisions(client, courseId, lessonId, signal),
  });
}

export function useCourseOutline(courseId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: lessonKeys.outline(courseId),
    queryFn: ({ signal }) => fetchOutline(client, courseId, signal),
  });
}

export function useAssets(courseId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: lessonKeys.assets(courseId),
    queryFn: ({ signal }) => fetchAssets(client, courseId, signal),
  });
}

export function useUploadAsset(courseId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadAsset(client, courseId, file),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: lessonKeys.assets(courseId) }),
  });
}
