import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components, paths } from "../../../api/schema";
import { scopeKey, type WebhookScope } from "../scope";

export type Delivery = components["schemas"]["DeliveryRead"];
export type DeliveryDetail = components["schemas"]["DeliveryDetail"];
export type DeliveryStatus = components["schemas"]["DeliveryStatus"];
export type Attempt = components["schemas"]["AttemptRead"];
export type DeliveryPage = components["schemas"]["Page_DeliveryRead_"];
export type DeliveryListParams = NonNullable<
  paths["/api/v1/webhooks/{endpoint_id}/deliveries"]["get"]["parameters"]["query"]
>;

export const deliveryKeys = {
  /** One endpoint's log: every page and filter, and every delivery's detail. */
  all: (scope: WebhookScope, endpointId: string) => ["webhooks", scopeKey(scope), "deliveries", endpointId] as const,
  list: (scope: WebhookScope, endpointId: string, params: DeliveryListParams) =>
    ["webhooks", scopeKey(scope), "deliveries", endpointId, "list", params] as const,
  detail: (scope: WebhookScope, endpointId: string, deliveryId: string) =>
    ["webhooks", scopeKey(scope), "deliveries", endpointId, "detail", deliveryId] as const,
};

// Fetchers

/** The delivery log, newest first. */
export async function fetchDeliveries(
  client: ApiClient,
  scope: WebhookScope,
  endpointId: string,
  params: DeliveryListParams,
  signal?: AbortSignal,
): Promise<DeliveryPage> {
  if (scope.courseId === null) {
    return unwrap(
      await client.GET("/api/v1/webhooks/{endpoint_id}/deliveries", {
        params: { path: { endpoint_id: endpointId }, query: params },
        signal,
      }),
    );
  }
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/webhooks/{endpoint_id}/deliveries", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpointId }, query: params },
      signal,
    }),
  );
}

/** One message with its body and every attempt. */
export async function fetchDelivery(
  client: ApiClient,
  scope: WebhookScope,
  endpointId: string,
  deliveryId: string,
  signal?: AbortSignal,
): Promise<DeliveryDetail> {
  if (scope.courseId === null) {
    return unwrap(
      await client.GET("/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}", {
        params: { path: { endpoint_id: endpointId, delivery_id: deliveryId } },
        signal,
      }),
    );
  }
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/webhooks/{endpoint_id}/deliveries/{delivery_id}", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpointId, delivery_id: deliveryId } },
      signal,
    }),
  );
}

/** Queues the same message (same webhook-id) again, behind the endpoint's queue: 202. */
export async function redeliver(
  client: ApiClient,
  scope: WebhookScope,
  endpointId: string,
  deliveryId: string,
): Promise<Delivery> {
  if (scope.courseId === null) {
    return unwrap(
      await client.POST("/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", {
        params: { path: { endpoint_id: endpointId, delivery_id: deliveryId } },
      }),
    );
  }
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpointId, delivery_id: deliveryId } },
    }),
  );
}

// Query options

export function deliveriesQueryOptions(
  client: ApiClient,
  scope: WebhookScope,
  endpointId: string,
  params: DeliveryListParams,
) {
  return queryOptions({
    queryKey: deliveryKeys.list(scope, endpointId, params),
    queryFn: ({ signal }) => fetchDeliveries(client, scope, endpointId, params, signal),
    placeholderData: keepPreviousData,
  });
}

export function deliveryQueryOptions(client: ApiClient, scope: WebhookScope, endpointId: string, deliveryId: string) {
  return queryOptions({
    queryKey: deliveryKeys.detail(scope, endpointId, deliveryId),
    queryFn: ({ signal }) => fetchDelivery(client, scope, endpointId, deliveryId, signal),
  });
}

// Hooks

export function useDeliveries(scope: WebhookScope, endpointId: string, params: DeliveryListParams) {
  const { client } = useApi();
  return useQuery(deliveriesQueryOptions(client, scope, endpointId, params));
}

export function useDelivery(scope: WebhookScope, endpointId: string, deliveryId: string) {
  const { client } = useApi();
  return useQuery(deliveryQueryOptions(client, scope, endpointId, deliveryId));
}

export function useRedeliver(scope: WebhookScope, endpointId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => redeliver(client, scope, endpointId, deliveryId),
    // The copy is a new delivery at the top of the log.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveryKeys.all(scope, endpointId) }),
  });
}
