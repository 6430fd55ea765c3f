import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider, useParams } from "react-router-dom";

import type { ApiSession } from "../../../api/client";
import { AppProviders, createQueryClient } from "../../../app/providers";
import { providerFuture, routerFuture } from "../../../app/routes";
import { RequireAuth } from "../../auth/components/RequireAuth";
import NewCoursePage from "../components/NewCoursePage";

function CourseStub() {
  const { courseId } = useParams();
  return <h1>Course {courseId}</h1>;
}

/**
 * The page behind the real guard and providers, at /courses/new. Local to this feature
 * until src/app/routes.tsx points /courses/new at it (then src/test/render.tsx does this).
 */
export function renderNewCourse(session: ApiSession) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(
    [
      {
        path: "/courses/new",
        element: (
          <RequireAuth>
            <NewCoursePage />
          </RequireAuth>
        ),
      },
      { path: "/courses/:courseId", element: <CourseStub /> },
      { path: "/sign-in", element: <h1>Sign in</h1> },
    ],
    { initialEntries: ["/courses/new"], future: routerFuture },
  );
  const view = render(
    <AppProviders session={session} queryClient={queryClient}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}
