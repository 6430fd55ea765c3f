import {
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect } from "react";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { driveKeys, refreshStatusOnConnectionProblem, type DriveStatus } from "./connection";

export type DriveFolder = components["schemas"]["FolderRead"];
export type FolderPage = components["schemas"]["FolderPage"];

// Fetchers

/** One page of the folders Courzly may use (those it created: `drive.file` access), filtered by name. */
export async function fetchFolders(
  client: ApiClient,
  name: string,
  pageToken: string | null,
  signal?: AbortSignal,
): Promise<FolderPage> {
  return unwrap(
    await client.GET("/api/v1/integrations/drive/folders", {
      params: { query: { name: name === "" ? null : name, page_token: pageToken } },
      signal,
    }),
  );
}

export async function createFolder(client: ApiClient, name: string): Promise<DriveFolder> {
  return unwrap(await client.POST("/api/v1/integrations/drive/folders", { body: { name } }));
}

/** Makes a folder the default for exports; answers with the whole new status. */
export async function chooseFolder(client: ApiClient, folderId: string): Promise<DriveStatus> {
  return unwrap(await client.PUT("/api/v1/integrations/drive/folder", { body: { folder_id: folderId } }));
}

// Query options

export function foldersQueryOptions(client: ApiClient, name: string) {
  return infiniteQueryOptions({
    queryKey: driveKeys.folderList(name),
    queryFn: ({ pageParam, signal }) => fetchFolders(client, name, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_page_token ?? undefined,
    // While a new filter loads, the last list stays instead of a loading line.
    placeholderData: keepPreviousData,
  });
}

// Hooks

export function useDriveFolders(name: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(foldersQueryOptions(client, name));
  const { error } = query;
  useEffect(() => refreshStatusOnConnectionProblem(queryClient, error), [error, queryClient]);
  return query;
}

export type FolderQuery = ReturnType<typeof useDriveFolders>;

export function useCreateFolder() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => createFolder(client, name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: driveKeys.folders }),
    onError: (error) => refreshStatusOnConnectionProblem(queryClient, error),
  });
}

export function useChooseFolder() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (folder: DriveFolder) => chooseFolder(client, folder.id),
    onSuccess: (status) => queryClient.setQueryData(driveKeys.status, status),
    onError: (error) => refreshStatusOnConnectionProblem(queryClient, error),
  });
}
