import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";

import type { ApiSession } from "../../api/client";
import { AppProviders, createQueryClient } from "../../app/providers";
import { providerFuture, routerFuture } from "../../app/routes";
import CoursePage from "./components/CoursePage";

export const COURSE_ROUTE = "/courses/:courseId";

/**
 * The course page under its future route with the app's providers. Local to this feature
 * until the route is wired in src/app/routes.tsx; then src/test/render.tsx's renderApp can
 * replace it.
 */
export function renderCoursePage(session: ApiSession, courseId: string) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(
    [
      { path: COURSE_ROUTE, element: <CoursePage /> },
      { path: "*", element: <p>Elsewhere</p> },
    ],
    { initialEntries: [`/courses/${courseId}`], future: routerFuture },
  );
  const view = render(
    <AppProviders session={session} queryClient={queryClient}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}
