import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import type { WebhookScope } from "../scope";
import { webhookKeys } from "./endpoints";

export type EndpointSecret = components["schemas"]["EndpointSecret"];
export type SecretRotate = components["schemas"]["SecretRotate"];

/** Limits of `keep_previous_hours` (app/webhooks/schemas.py SecretRotate). */
export const KEEP_PREVIOUS_HOURS_MAX = 168;
export const KEEP_PREVIOUS_HOURS_DEFAULT = 24;

// Fetchers

/** The signing secret again; the server records each viewing in the audit log. */
export async function revealSecret(client: ApiClient, scope: WebhookScope, endpointId: string): Promise<EndpointSecret> {
  if (scope.courseId === null) {
    return unwrap(await client.GET("/api/v1/webhooks/{endpoint_id}/secret", { params: { path: { endpoint_id: endpointId } } }));
  }
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/webhooks/{endpoint_id}/secret", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpointId } },
    }),
  );
}

export async function rotateSecret(
  client: ApiClient,
  scope: WebhookScope,
  endpointId: string,
  body: SecretRotate,
): Promise<EndpointSecret> {
  if (scope.courseId === null) {
    return unwrap(
      await client.POST("/api/v1/webhooks/{endpoint_id}/rotate-secret", { params: { path: { endpoint_id: endpointId } }, body }),
    );
  }
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/webhooks/{endpoint_id}/rotate-secret", {
      params: { path: { course_id: scope.courseId, endpoint_id: endpointId } },
      body,
    }),
  );
}

// Hooks. Revealing is a mutation, not a query: each viewing is audited, so it happens only
// when asked for and is never cached, refetched or retried behind the user's back.

export function useRevealSecret(scope: WebhookScope) {
  const { client } = useApi();
  return useMutation({ mutationFn: (endpointId: string) => revealSecret(client, scope, endpointId) });
}

export interface RotateSecretInput {
  endpointId: string;
  keepPreviousHours: number;
}

export function useRotateSecret(scope: WebhookScope) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ endpointId, keepPreviousHours }: RotateSecretInput) =>
      rotateSecret(client, scope, endpointId, { keep_previous_hours: keepPreviousHours }),
    // Rotating bumps the endpoint's version and sets rotating_until: reload the list.
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints(scope) }),
  });
}
