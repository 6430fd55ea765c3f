import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";

import type { ApiSession } from "../api/client";
import { ApiProvider } from "../api/context";
import { ApiError } from "../api/errors";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Client errors (403, 404, 422 ...) will not change on retry; network and 5xx may.
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
    },
  });
}

export function AppProviders({
  session,
  queryClient,
  children,
}: {
  session: ApiSession;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  return (
    <ApiProvider session={session}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiProvider>
  );
}
