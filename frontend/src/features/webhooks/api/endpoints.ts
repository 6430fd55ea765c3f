import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { expectNoContent } from "../../../lib/noContent";
import { scopeKey, type WebhookScope } from "../scope";

export type Endpoint = components["schemas"]["EndpointRead"];
export type EndpointCreate = components["schemas"]["EndpointCreate"];
export type EndpointCreated = components["schemas"]["EndpointCreated"];
export type EndpointUpdate = components["schemas"]["EndpointUpdate"];
export type WebhookEvent = components["schemas"]["WebhookEvent"];
export type TestResult = components["schemas"]["TestResult"];

/** What one PATCH changes; the version edited goes in If-Match (app/core/concurrency.py). */
export type EndpointChange = Omit<EndpointUpdate, "version">;

export const webhookKeys = {
  /** Everything of one scope: its endpoints and their delivery logs. */
  all: (scope: WebhookScope) => ["webhooks", scopeKey(scope)] as const,
  endpoints: (scope: WebhookScope) => ["webhooks", scopeKey(scope), "endpoints"] as const,
};

// Fetchers: each picks the organisation's or the course's path; the shapes are the same.

export async function fetchEndpoints(client: ApiClient, scope: WebhookScope, signal?: AbortSignal): Promise<Endpoint[]> {
  if (scope.courseId === null) return unwrap(await client.GET("/api/v1/webhooks", { signal }));
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/webhooks", { params: { path: { course_id: scope.courseId } }, signal }),
  );
}

export async function createEndpoint(client: ApiClient, scope: WebhookScope, body: EndpointCreate): Promise<EndpointCreated> {
  if (scope.courseId === null) return unwrap(await client.POST("/api/v1/webhooks", { body }));
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/webhooks", { params: { path: { course_id: scope.courseId } }, body }),
  );
}

export async function updateEndpoint(
  client: ApiClient,
  scope: WebhookScope,
  endpoint: Pick<Endpoint, "id" | "version">,
  change: EndpointChange,
): Promise<Endpoint> {
  const header = { "if-match": `"${endpoint.version}"` };
  if (scope.courseId === null) {
    return unwrap(
      await client.PATCH("/api/v1/webhooks/{endpoint_id}", {
        params: { path: { endpoint_id: endpoint.id }, header },
        body: change,
      }),
    );
  }
  return unwrap(
    await client.PATCH("/api/v1/courses/{course_id}/webhooks/{endpoint_id}", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpoint.id }, header },
      body: change,
    }),
  );
}

export async function deleteEndpoint(client: ApiClient, scope: WebhookScope, endpointId: string): Promise<void> {
  const result =
    scope.courseId === null
      ? await client.DELETE("/api/v1/webhooks/{endpoint_id}", { params: { path: { endpoint_id: endpointId } } })
      : await client.DELETE("/api/v1/courses/{course_id}/webhooks/{endpoint_id}", {
          params: { path: { course_id: scope.courseId, endpoint_id: endpointId } },
        });
  expectNoContent(result);
}

/** Sends a signed `webhook.test` message now, outside the queue, and reports the answer. */
export async function sendTestEvent(client: ApiClient, scope: WebhookScope, endpointId: string): Promise<TestResult> {
  if (scope.courseId === null) {
    return unwrap(await client.POST("/api/v1/webhooks/{endpoint_id}/test", { params: { path: { endpoint_id: endpointId } } }));
  }
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/webhooks/{endpoint_id}/test", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpointId } },
    }),
  );
}

// Query options

export function endpointsQueryOptions(client: ApiClient, scope: WebhookScope) {
  return queryOptions({
    queryKey: webhookKeys.endpoints(scope),
    queryFn: ({ signal }) => fetchEndpoints(client, scope, signal),
  });
}

// Hooks

export function useEndpoints(scope: WebhookScope) {
  const { client } = useApi();
  return useQuery(endpointsQueryOptions(client, scope));
}

export function useCreateEndpoint(scope: WebhookScope) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EndpointCreate) => createEndpoint(client, scope, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints(scope) }),
  });
}

export interface UpdateEndpointInput {
  endpoint: Pick<Endpoint, "id" | "version">;
  change: EndpointChange;
}

export function useUpdateEndpoint(scope: WebhookScope) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ endpoint, change }: UpdateEndpointInput) => updateEndpoint(client, scope, endpoint, change),
    onSuccess: (updated) => {
      // The new version is on screen at once, so the next edit sends the right If-Match.
      queryClient.setQueryData<Endpoint[]>(webhookKeys.endpoints(scope), (list) =>
        list?.map((e) => (e.id === updated.id ? updated : e)),
      );
    },
    // A 409 (someone else's edit) or 404 (deleted meanwhile): the list on screen is stale.
    onError: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints(scope) }),
  });
}

export function useDeleteEndpoint(scope: WebhookScope) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (endpointId: string) => deleteEndpoint(client, scope, endpointId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all(scope) }),
  });
}

export function useSendTestEvent(scope: WebhookScope) {
  const { client } = useApi();
  return useMutation({ mutationFn: (endpointId: string) => sendTestEvent(client, scope, endpointId) });
}
