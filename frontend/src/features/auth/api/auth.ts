import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import type { TokenPair, TokenStore } from "../../../api/tokens";

export type CurrentUser = components["schemas"]["UserRead"];
export type Credentials = components["schemas"]["LoginRequest"];

export const authKeys = {
  me: ["auth", "me"] as const,
};

// Fetchers

export async function login(client: ApiClient, credentials: Credentials): Promise<TokenPair> {
  return unwrap(await client.POST("/api/v1/auth/login", { body: credentials }));
}

export async function logout(client: ApiClient): Promise<void> {
  const { response } = await client.POST("/api/v1/auth/logout");
  // 401: the session had already ended, which is what signing out wants anyway.
  if (!response.ok && response.status !== 401) {
    throw new Error(`Signing out failed (HTTP ${response.status})`);
  }
}

export async function fetchMe(client: ApiClient, signal?: AbortSignal): Promise<CurrentUser> {
  return unwrap(await client.GET("/api/v1/auth/me", { signal }));
}

// Query options

export function meQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: authKeys.me,
    queryFn: ({ signal }) => fetchMe(client, signal),
    staleTime: 5 * 60_000,
    // A 401 has already been through one renewal in the client; retrying will not help.
    retry: false,
  });
}

// Hooks

function useHasSession(tokens: TokenStore): boolean {
  return useSyncExternalStore(
    (onChange) => tokens.subscribe(onChange),
    () => tokens.access !== null || tokens.refresh !== null,
  );
}

export type SessionState =
  | { status: "signed-out" }
  | { status: "loading" }
  | { status: "signed-in"; user: CurrentUser }
  | { status: "error"; error: unknown };

/** Who is signed in. After a reload only the refresh token is left: the first 401 renews. */
export function useSession(): SessionState {
  const { client, tokens } = useApi();
  const hasSession = useHasSession(tokens);
  const me = useQuery({ ...meQueryOptions(client), enabled: hasSession });
  if (!hasSession) return { status: "signed-out" };
  if (me.data !== undefined) return { status: "signed-in", user: me.data };
  if (me.isError) return { status: "error", error: me.error };
  return { status: "loading" };
}

export function useCurrentUser(): CurrentUser | null {
  const session = useSession();
  return session.status === "signed-in" ? session.user : null;
}

export function useSignIn() {
  const { client, tokens } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: Credentials) => {
      const pair = await login(client, credentials);
      queryClient.removeQueries();
      tokens.save(pair);
      return queryClient.fetchQuery(meQueryOptions(client));
    },
  });
}

export function useSignOut() {
  const { client, tokens } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await logout(client);
      } finally {
        // Signed out locally even when the server could not be told: the user asked to leave.
        tokens.clear();
        queryClient.clear();
      }
    },
  });
}
