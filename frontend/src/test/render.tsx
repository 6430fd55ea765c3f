import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";

import type { ApiSession } from "../api/client";
import { AppProviders, createQueryClient } from "../app/providers";
import { providerFuture, routerFuture, routes } from "../app/routes";

/**
 * The real routes, guard, layout and providers, starting at `path`. For a signed-in user,
 * pass the session of `signedInApi(role, …)` from ./fakeApi.
 */
export function renderApp(session: ApiSession, path: string) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [path], future: routerFuture });
  const view = render(
    <AppProviders session={session} queryClient={queryClient}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}
