import { Link, useParams } from "react-router-dom";

import { ApiError } from "../../../api/errors";
import { LoadFailed } from "../../../components/LoadFailed";
import { useMyCourseRole } from "../../admin/api/members";
import { useCurrentUser } from "../../auth/api/auth";
import { canManageCourseWebhooks } from "../../auth/permissions";
import { STATUS_LABELS, STATUS_STYLES } from "../../courses/status";
import { useCourse } from "../../courses/api/courses";
import { CourseLessons } from "../../lessons/components/CourseLessons";
import { PresenceBar } from "../../../live/PresenceBar";
import { useCourseLive } from "../useCourseLive";
import { LatestRun } from "./LatestRun";

const navLink =
  "rounded-md border border-slate-300 bg-white px-3 py-1 text-sm text-indigo-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/** Route: /courses/:courseId */
export default function CoursePage() {
  const { courseId } = useParams();
  if (courseId === undefined || courseId === "") {
    return <p role="alert">No course was given.</p>;
  }
  // Keyed so nothing carries over from one course to the next.
  return <CourseScreen key={courseId} courseId={courseId} />;
}

function CourseScreen({ courseId }: { courseId: string }) {
  const course = useCourse(courseId);
  const user = useCurrentUser();
  const courseRole = useMyCourseRole(courseId, user?.id);
  useCourseLive(courseId);

  if (course.isPending) {
    return (
      <p role="status" className="text-slate-600">
        Loading course…
      </p>
    );
  }

  if (course.isError) {
    const missing = course.error instanceof ApiError && course.error.status === 404;
    return (
      <section aria-labelledby="course-heading" className="space-y-4">
        <BackLink />
        <h1 id="course-heading" className="text-2xl font-semibold">
          {missing ? "Course not found" : "Course"}
        </h1>
        {missing ? (
          <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
            This course does not exist or you cannot see it.
          </p>
        ) : (
          <LoadFailed what="the course" error={course.error} onRetry={() => void course.refetch()} />
        )}
      </section>
    );
  }

  const { title, status } = course.data;
  return (
    <section aria-labelledby="course-heading" className="space-y-6">
      <div className="space-y-2">
        <BackLink />
        <h1 id="course-heading" className="text-2xl font-semibold">
          {title}
        </h1>
        <p className="text-slate-700">
          Status:{" "}
          <span className={`rounded-full px-2 py-0.5 text-sm font-medium ${STATUS_STYLES[status]}`}>
            {STATUS_LABELS[status]}
          </span>
        </p>
        <PresenceBar courseId={courseId} activity={{ state: "viewing" }} />
        <nav aria-label="Course" className="flex flex-wrap gap-2">
          <Link to={`/courses/${encodeURIComponent(courseId)}/run`} className={navLink}>
            Live run
          </Link>
          <Link to={`/courses/${encodeURIComponent(courseId)}/outline`} className={navLink}>
            Outline
          </Link>
          <Link to={`/courses/${encodeURIComponent(courseId)}/exports`} className={navLink}>
            Exports
          </Link>
          {/* The review queue reads its course filter from `course` (ReviewQueuePage). */}
          <Link to={`/reviews?${new URLSearchParams({ course: courseId }).toString()}`} className={navLink}>
            Reviews
          </Link>
          <Link to={`/courses/${encodeURIComponent(courseId)}/members`} className={navLink}>
            Members
          </Link>
          {canManageCourseWebhooks(user?.role, courseRole) && (
            <Link to={`/courses/${encodeURIComponent(courseId)}/webhooks`} className={navLink}>
              Webhooks
            </Link>
          )}
          <Link to={`/courses/${encodeURIComponent(courseId)}/alignment`} className={navLink}>
            Alignment
          </Link>
        </nav>
      </div>

      <LatestRun courseId={courseId} />
      <CourseLessons courseId={courseId} />
    </section>
  );
}

function BackLink() {
  return (
    <Link to="/courses" className="text-sm text-indigo-700 underline">
      Back to courses
    </Link>
  );
}
