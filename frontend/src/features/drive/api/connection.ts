import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { expectNoContent } from "../../../lib/noContent";
import { isConnectionProblem } from "../messages";

export type DriveStatus = components["schemas"]["DriveStatus"];
export type ConnectStarted = components["schemas"]["ConnectStarted"];

/** The signed-in user's Drive: connection and folders. */
export const driveKeys = {
  status: ["integrations", "drive", "status"] as const,
  folders: ["integrations", "drive", "folders"] as const,
  folderList: (name: string) => ["integrations", "drive", "folders", name] as const,
};

// Fetchers

export async function fetchDriveStatus(client: ApiClient, signal?: AbortSignal): Promise<DriveStatus> {
  return unwrap(await client.GET("/api/v1/integrations/drive", { signal }));
}

/** Starts Google's consent flow: the answer's URL is to be opened as a full page. 503 when not configured. */
export async function startDriveConnect(client: ApiClient): Promise<ConnectStarted> {
  return unwrap(await client.POST("/api/v1/integrations/drive/connect"));
}

/** Revokes Courzly's access at Google, then forgets it: 204. 503 google_unavailable leaves it connected. */
export async function disconnectDrive(client: ApiClient): Promise<void> {
  const result = await client.DELETE("/api/v1/integrations/drive");
  expectNoContent(result);
}

/**
 * After a refusal saying there is no usable connection (the server may have just marked it):
 * the status on screen is out of date, so fetch it again and show that state.
 */
export function refreshStatusOnConnectionProblem(queryClient: QueryClient, error: unknown): void {
  if (isConnectionProblem(error)) void queryClient.invalidateQueries({ queryKey: driveKeys.status });
}

// Query options

export function driveStatusQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: driveKeys.status,
    queryFn: ({ signal }) => fetchDriveStatus(client, signal),
  });
}

// Hooks

export function useDriveStatus() {
  const { client } = useApi();
  return useQuery(driveStatusQueryOptions(client));
}

export function useConnectDrive() {
  const { client } = useApi();
  return useMutation({ mutationFn: () => startDriveConnect(client) });
}

export function useDisconnectDrive() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => disconnectDrive(client),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: driveKeys.folders });
      await queryClient.invalidateQueries({ queryKey: driveKeys.status });
    },
  });
}
