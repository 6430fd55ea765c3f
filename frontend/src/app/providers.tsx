import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";

import type { ApiSession } from "../api/client";
import { ApiProvider } from "../api/context";
import { ApiError } from "../api/errors";
import { ToastProvider } from "../components/Toasts";
import type { LiveConnection } from "../live/connection";
import { LiveProvider } from "../live/context";

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
  live,
  children,
}: {
  session: ApiSession;
  queryClient: QueryClient;
  /** Tests pass a connection over a fake socket; the app opens a real one. */
  live?: LiveConnection;
  children: ReactNode;
}) {
  return (
    <ApiProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <LiveProvider connection={live}>
          <ToastProvider>{children}</ToastProvider>
        </LiveProvider>
      </QueryClientProvider>
    </ApiProvider>
  );
}
