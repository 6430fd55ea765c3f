import { lazy, Suspense } from "react";
import { Navigate, type RouteObject } from "react-router-dom";

import { RequireAuth } from "../features/auth/components/RequireAuth";
import { Layout } from "./Layout";
import { PageLoading } from "./PageLoading";

// One chunk per screen: only the shell, router and data layer load up front.
const SignInPage = lazy(() => import("../features/auth/components/SignInPage"));
const CoursesDashboard = lazy(() => import("../features/courses/components/CoursesDashboard"));
const NewCoursePage = lazy(() => import("../features/brief/components/NewCoursePage"));
const CoursePage = lazy(() => import("../features/course/components/CoursePage"));
const OutlineReviewPage = lazy(() => import("../features/outline/components/OutlineReviewPage"));
const LessonEditorPage = lazy(() => import("../features/lessons/components/LessonEditorPage"));
const RunPage = lazy(() => import("../features/run/components/RunPage"));
const ExportsPage = lazy(() => import("../features/exports/components/ExportsPage"));
const AlignmentPage = lazy(() => import("../features/alignment/components/AlignmentPage"));
const ReviewQueuePage = lazy(() => import("../features/reviews/components/ReviewQueuePage"));
const UsersPage = lazy(() => import("../features/admin/components/UsersPage"));
const MembersPage = lazy(() => import("../features/admin/components/MembersPage"));
const OrganisationWebhooksPage = lazy(() => import("../features/webhooks/components/OrganisationWebhooksPage"));
const CourseWebhooksPage = lazy(() => import("../features/webhooks/components/CourseWebhooksPage"));
const NotificationPreferencesPage = lazy(
  () => import("../features/notifications/components/NotificationPreferencesPage"),
);
const IntegrationsPage = lazy(() => import("../features/drive/components/IntegrationsPage"));
const NotFoundPage = lazy(() => import("./NotFoundPage"));

export const routes: RouteObject[] = [
  {
    path: "/sign-in",
    element: (
      <Suspense fallback={<PageLoading />}>
        <SignInPage />
      </Suspense>
    ),
  },
  {
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/courses" replace /> },
      { path: "courses", element: <CoursesDashboard /> },
      { path: "courses/new", element: <NewCoursePage /> },
      { path: "courses/:courseId", element: <CoursePage /> },
      { path: "courses/:courseId/run", element: <RunPage /> },
      { path: "courses/:courseId/outline", element: <OutlineReviewPage /> },
      { path: "courses/:courseId/lessons/:lessonId", element: <LessonEditorPage /> },
      { path: "courses/:courseId/exports", element: <ExportsPage /> },
      { path: "courses/:courseId/alignment", element: <AlignmentPage /> },
      { path: "courses/:courseId/members", element: <MembersPage /> },
      { path: "courses/:courseId/webhooks", element: <CourseWebhooksPage /> },
      { path: "reviews", element: <ReviewQueuePage /> },
      { path: "admin/users", element: <UsersPage /> },
      { path: "admin/webhooks", element: <OrganisationWebhooksPage /> },
      { path: "settings/notifications", element: <NotificationPreferencesPage /> },
      { path: "settings/integrations", element: <IntegrationsPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

// React Router 7 behaviour, opted into now so the upgrade changes nothing.
export const routerFuture = {
  v7_relativeSplatPath: true,
  v7_fetcherPersist: true,
  v7_normalizeFormMethod: true,
  v7_partialHydration: true,
  v7_skipActionErrorRevalidation: true,
} as const;
export const providerFuture = { v7_startTransition: true } as const;
