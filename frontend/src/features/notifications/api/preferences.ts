import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";

export type Preference = components["schemas"]["PreferenceRead"];
export type NotificationKind = components["schemas"]["NotificationKind"];
export type PreferencesUpdate = components["schemas"]["PreferencesUpdate"];

export const notificationKeys = {
  preferences: ["notifications", "preferences"] as const,
};

// Fetchers

export async function fetchPreferences(client: ApiClient, signal?: AbortSignal): Promise<Preference[]> {
  return unwrap(await client.GET("/api/v1/notifications/preferences", { signal }));
}

/** Turns kinds on or off and answers with the whole new list. Critical kinds are refused (422). */
export async function savePreferences(client: ApiClient, body: PreferencesUpdate): Promise<Preference[]> {
  return unwrap(await client.PUT("/api/v1/notifications/preferences", { body }));
}

// Query options

export function preferencesQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: notificationKeys.preferences,
    queryFn: ({ signal }) => fetchPreferences(client, signal),
  });
}

// Hooks

export function usePreferences() {
  const { client } = useApi();
  return useQuery(preferencesQueryOptions(client));
}

export function useSavePreferences() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesUpdate) => savePreferences(client, body),
    onSuccess: (saved) => queryClient.setQueryData(notificationKeys.preferences, saved),
  });
}
