import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { isInProgress } from "../status";

export type ExportRead = components["schemas"]["ExportRead"];
export type DownloadLink = components["schemas"]["DownloadLink"];
export type { CourseRead } from "../../courses/api/courses";

/** While an export is queued or running, the list is fetched again this often. */
export const EXPORTS_POLL_MS = 1500;

export const exportKeys = {
  all: (courseId: string) => ["courses", courseId, "exports"] as const,
  list: (courseId: string) => ["courses", courseId, "exports", "list"] as const,
  formats: (courseId: string) => ["courses", courseId, "exports", "formats"] as const,
};

// Fetchers

export async function fetchExportFormats(client: ApiClient, courseId: string, signal?: AbortSignal): Promise<string[]> {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/exports/formats", {
      params: { path: { course_id: courseId } },
      signal,
    }),
  );
}

export async function fetchExports(client: ApiClient, courseId: string, signal?: AbortSignal): Promise<ExportRead[]> {
  const exports = unwrap(
    await client.GET("/api/v1/courses/{course_id}/exports", { params: { path: { course_id: courseId } }, signal }),
  );
  // The server sends newest first; sorting here keeps that true for anything merged in.
  return newestFirst(exports);
}

export async function requestExport(client: ApiClient, courseId: string, format: string): Promise<ExportRead> {
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/exports", {
      params: { path: { course_id: courseId } },
      body: { format },
    }),
  );
}

export async function fetchDownloadLink(client: ApiClient, courseId: string, exportId: string): Promise<DownloadLink> {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/exports/{export_id}/download", {
      params: { path: { course_id: courseId, export_id: exportId } },
    }),
  );
}

export function newestFirst(exports: readonly ExportRead[]): ExportRead[] {
  return [...exports].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
}

// Query options

export function exportFormatsQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    queryKey: exportKeys.formats(courseId),
    queryFn: ({ signal }) => fetchExportFormats(client, courseId, signal),
    staleTime: 60 * 60_000, // fixed by the server's build
  });
}

export function exportsQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    queryKey: exportKeys.list(courseId),
    queryFn: ({ signal }) => fetchExports(client, courseId, signal),
    // Polling stands in for live events: once the course WebSocket (export.progress,
    // export.ready, export.failed) reaches the client it will update this list and the
    // interval goes away.
    refetchInterval: (query) => (query.state.data?.some(isInProgress) ? EXPORTS_POLL_MS : false),
  });
}

// Hooks

export function useExportFormats(courseId: string, enabled: boolean) {
  const { client } = useApi();
  return useQuery({ ...exportFormatsQueryOptions(client, courseId), enabled });
}

export function useExports(courseId: string) {
  const { client } = useApi();
  return useQuery(exportsQueryOptions(client, courseId));
}

export interface ExportRequestOutcome {
  created: ExportRead[];
  failed: { format: string; error: unknown }[];
}

/** One POST per format; some may be refused while others are queued, so both are reported. */
export function useRequestExports(courseId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (formats: readonly string[]): Promise<ExportRequestOutcome> => {
      const results = await Promise.allSettled(formats.map((format) => requestExport(client, courseId, format)));
      const outcome: ExportRequestOutcome = { created: [], failed: [] };
      results.forEach((result, i) => {
        if (result.status === "fulfilled") outcome.created.push(result.value);
        else outcome.failed.push({ format: formats[i]!, error: result.reason });
      });
      return outcome;
    },
    onSuccess: async ({ created }) => {
      if (created.length === 0) return;
      // Show the new exports at once (which also starts polling), then ask for the real list.
      queryClient.setQueryData<ExportRead[]>(exportKeys.list(courseId), (current = []) =>
        newestFirst([...created, ...current.filter((e) => !created.some((c) => c.id === e.id))]),
      );
      await queryClient.invalidateQueries({ queryKey: exportKeys.list(courseId) });
    },
  });
}

export function useDownloadLink(courseId: string) {
  const { client } = useApi();
  return useMutation({
    mutationFn: (exportId: string) => fetchDownloadLink(client, courseId, exportId),
  });
}
