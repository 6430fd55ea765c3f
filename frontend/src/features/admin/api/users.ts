import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components, paths } from "../../../api/schema";
import { authKeys } from "../../auth/api/auth";

export type User = components["schemas"]["UserRead"];
export type UserPage = components["schemas"]["Page_UserRead_"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserListParams = NonNullable<paths["/api/v1/users"]["get"]["parameters"]["query"]>;

/** What one PATCH changes; the version edited goes in If-Match (app/core/concurrency.py). */
export type UserChange = Pick<components["schemas"]["UserUpdate"], "role" | "is_active">;

export const userKeys = {
  all: ["admin", "users"] as const,
  list: (params: UserListParams) => ["admin", "users", "list", params] as const,
};

// Fetchers

export async function fetchUsers(client: ApiClient, params: UserListParams, signal?: AbortSignal): Promise<UserPage> {
  return unwrap(await client.GET("/api/v1/users", { params: { query: params }, signal }));
}

export async function createUser(client: ApiClient, body: UserCreate): Promise<User> {
  return unwrap(await client.POST("/api/v1/users", { body }));
}

export async function updateUser(
  client: ApiClient,
  user: Pick<User, "id" | "version">,
  change: UserChange,
): Promise<User> {
  return unwrap(
    await client.PATCH("/api/v1/users/{user_id}", {
      params: { path: { user_id: user.id }, header: { "if-match": `"${user.version}"` } },
      body: change,
    }),
  );
}

// Query options

export function usersQueryOptions(client: ApiClient, params: UserListParams) {
  return queryOptions({
    queryKey: userKeys.list(params),
    queryFn: ({ signal }) => fetchUsers(client, params, signal),
    placeholderData: keepPreviousData,
  });
}

// Hooks

export function useUsers(params: UserListParams, enabled = true) {
  const { client } = useApi();
  return useQuery({ ...usersQueryOptions(client, params), enabled });
}

export function useCreateUser() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => createUser(client, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export interface UpdateUserInput {
  user: Pick<User, "id" | "version">;
  change: UserChange;
}

export function useUpdateUser() {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ user, change }: UpdateUserInput) => updateUser(client, user, change),
    onSuccess: (updated) => {
      // The new version is on screen at once, so a second edit sends the right If-Match.
      queryClient.setQueriesData<UserPage>({ queryKey: userKeys.all }, (page) =>
        page === undefined ? page : { ...page, items: page.items.map((u) => (u.id === updated.id ? updated : u)) },
      );
      // Editing oneself (role, active) changes what the app shows and allows.
      const me = queryClient.getQueryData<User>(authKeys.me);
      if (me?.id === updated.id) void queryClient.invalidateQueries({ queryKey: authKeys.me });
    },
    // A 409 (stale version, last admin) means the list on screen is out of date: reload it.
    onError: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
}
