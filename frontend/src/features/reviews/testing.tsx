// Test-only helpers for this feature (not imported by the app).
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router-dom";

import type { ApiSession } from "../../api/client";
import type { components } from "../../api/schema";
import { AppProviders, createQueryClient } from "../../app/providers";
import { providerFuture, routerFuture } from "../../app/routes";
import { RequireAuth } from "../auth/components/RequireAuth";
import ReviewQueuePage from "./components/ReviewQueuePage";

/**
 * The page as `/reviews` will mount it (behind the auth guard), without the shared route table,
 * which does not list it yet.
 */
export function renderReviewQueue(session: ApiSession, path = "/reviews") {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(
    [
      {
        path: "/reviews",
        element: (
          <RequireAuth>
            <ReviewQueuePage />
          </RequireAuth>
        ),
      },
      { path: "/courses/:id", element: <p>Course page</p> },
      { path: "/sign-in", element: <p>Sign in</p> },
    ],
    { initialEntries: [path], future: routerFuture },
  );
  const view = render(
    <AppProviders session={session} queryClient={queryClient}>
      <RouterProvider router={router} future={providerFuture} />
    </AppProviders>,
  );
  return { ...view, router, queryClient };
}

type Gate = components["schemas"]["GateRead"];

export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

export function gate(n: number, changes: Partial<Gate> = {}): Gate {
  return {
    id: uuid(1000 + n),
    run_id: uuid(500),
    course_id: uuid(100),
    kind: "lesson",
    lesson_key: `m1-l${n}`,
    title: `Lesson ${n}`,
    round: 1,
    status: "pending",
    decision: null,
    feedback: null,
    decided_by: null,
    decided_at: null,
    created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...changes,
  };
}
