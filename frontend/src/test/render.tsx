import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";

import type { ApiSession } from "../api/client";
import { AppProviders, createQueryClient } from "../app/providers";
import { providerFuture, routerFuture, routes } from "../app/routes";
import { fakeLive, type FakeLive } from "./fakeLive";

/**
 * The real routes, guard, layout and providers, starting at `path`. For a signed-in user,
 * pass the session of `signedInApi(role, …)` from ./fakeApi. Live events go over a fake
 * socket: `live.server()` is the server's end of the latest one.
 */
export function renderApp(session: ApiSession, path: string, live: FakeLive = fakeLive(session)) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [path], future: routerFuture });
  const view = render(
    <AppProviders session={session} queryClient={queryClient} live={live.connection}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>,
  );
  return { ...view, router, queryClient, live };
}
