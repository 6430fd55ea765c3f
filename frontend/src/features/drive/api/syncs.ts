import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { expectNoContent } from "../../../lib/noContent";
import { isSyncInProgress } from "../labels";
import { refreshStatusOnConnectionProblem } from "./connection";

export type DriveSync = components["schemas"]["DriveSyncRead"];
export type DriveSyncStatus = components["schemas"]["SyncStatus"];
export type SyncRequest = components["schemas"]["SyncRequest"];

/** While a sync is queued or running, the list is fetched again this often. */
export const DRIVE_SYNCS_POLL_MS = 3000;

export const driveSyncKeys = {
  list: (courseId: string) => ["courses", courseId, "drive-syncs"] as const,
};

// Fetchers

/** The signed-in user's Drive files for this course, with how the last sync went. */
export async function fetchDriveSyncs(client: ApiClient, courseId: string, signal?: AbortSignal): Promise<DriveSync[]> {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/drive-syncs", { params: { path: { course_id: courseId } }, signal }),
  );
}

/** Queues the upload of a finished export (202). Without `folder_id`, the default folder. */
export async function requestDriveSync(
  client: ApiClient,
  courseId: string,
  exportId: string,
  body: SyncRequest,
): Promise<DriveSync> {
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/exports/{export_id}/drive", {
      params: { path: { course_id: courseId, export_id: exportId } },
      body,
    }),
  );
}

/** Forgets the binding: 204. The file stays in Drive; a later sync of the format makes a new one. */
export async function stopDriveSync(client: ApiClient, courseId: string, syncId: string): Promise<void> {
  const result = await client.DELETE("/api/v1/courses/{course_id}/drive-syncs/{sync_id}", {
    params: { path: { course_id: courseId, sync_id: syncId } },
  });
  expectNoContent(result);
}

// Query options

export function driveSyncsQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    queryKey: driveSyncKeys.list(courseId),
    queryFn: ({ signal }) => fetchDriveSyncs(client, courseId, signal),
    // No live event tells of a sync's progress: the worker finishes within seconds, so poll.
    refetchInterval: (query) => (query.state.data?.some(isSyncInProgress) ? DRIVE_SYNCS_POLL_MS : false),
  });
}

// Hooks

export function useDriveSyncs(courseId: string) {
  const { client } = useApi();
  return useQuery(driveSyncsQueryOptions(client, courseId));
}

export interface SyncToDriveVariables {
  exportId: string;
  body: SyncRequest;
}

export function useSyncToDrive(courseId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ exportId, body }: SyncToDriveVariables) => requestDriveSync(client, courseId, exportId, body),
    onSuccess: async (sync) => {
      // Show it queued at once (which also starts polling), then ask for the real list.
      queryClient.setQueryData<DriveSync[]>(driveSyncKeys.list(courseId), (current = []) => [
        sync,
        ...current.filter((s) => s.id !== sync.id),
      ]);
      await queryClient.invalidateQueries({ queryKey: driveSyncKeys.list(courseId) });
    },
    onError: (error) => refreshStatusOnConnectionProblem(queryClient, error),
  });
}

export function useStopDriveSync(courseId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sync: DriveSync) => stopDriveSync(client, courseId, sync.id),
    onSuccess: (_nothing, sync) => {
      queryClient.setQueryData<DriveSync[]>(driveSyncKeys.list(courseId), (current = []) =>
        current.filter((s) => s.id !== sync.id),
      );
    },
  });
}
