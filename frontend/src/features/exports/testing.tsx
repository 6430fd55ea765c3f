import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";

import type { ApiSession } from "../../api/client";
import { AppProviders, createQueryClient } from "../../app/providers";
import { providerFuture, routerFuture } from "../../app/routes";
import ExportsPage from "./components/ExportsPage";
import type { NavigateToUrl } from "./navigation";

export const EXPORTS_ROUTE = "/courses/:courseId/exports";

/**
 * The Exports page under its future route with the app's providers. Local to this feature
 * until the route is wired in src/app/routes.tsx; then src/test/render.tsx's renderApp can
 * replace it (except for the injected navigate).
 */
export function renderExportsPage(session: ApiSession, courseId: string, navigateTo: NavigateToUrl) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(
    [
      { path: EXPORTS_ROUTE, element: <ExportsPage navigateTo={navigateTo} /> },
      { path: "*", element: <p>Elsewhere</p> },
    ],
    { initialEntries: [`/courses/${courseId}/exports`], future: routerFuture },
  );
  const view = render(
    <AppProviders session={session} queryClient={queryClient}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}
