import { Link, useParams } from "react-router-dom";

import { isApiError } from "../../../api/errors";
import { LoadFailed } from "../../../components/LoadFailed";
import { useCourseTitle, useMembers } from "../../admin/api/members";
import { useCurrentUser } from "../../auth/api/auth";
import { canManageCourseWebhooks, canManageOrganisationWebhooks } from "../../auth/permissions";
import { courseScope } from "../scope";
import { WebhooksScreen } from "./WebhooksScreen";

/** Route: /courses/:courseId/webhooks — one course's endpoints, for its admins. */
export default function CourseWebhooksPage() {
  const { courseId } = useParams();
  if (courseId === undefined || courseId === "") {
    return <p role="alert">No course was given.</p>;
  }
  // Keyed so nothing (open forms, revealed secrets) carries over to another course.
  return <CourseWebhooks key={courseId} courseId={courseId} />;
}

function CourseWebhooks({ courseId }: { courseId: string }) {
  const me = useCurrentUser();
  const title = useCourseTitle(courseId);
  const members = useMembers(courseId);
  const myCourseRole = members.data?.find((m) => m.user_id === me?.id)?.role ?? null;
  // A global admin may, whatever the membership; anyone else needs the member list to know.
  const known = canManageOrganisationWebhooks(me?.role) || members.data !== undefined;
  const allowed = canManageCourseWebhooks(me?.role, myCourseRole);

  let body;
  if (!known && members.isPending) {
    body = (
      <p role="status" className="text-slate-600">
        Loading…
      </p>
    );
  } else if (!known && members.isError) {
    body =
      isApiError(members.error, 404) || isApiError(members.error, 403) ? (
        <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
          This course does not exist, or you cannot see it.
        </p>
      ) : (
        <LoadFailed what="your role on this course" error={members.error} onRetry={() => void members.refetch()} />
      );
  } else if (!allowed) {
    body = (
      <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
        Only administrators and this course's admin members can manage its webhooks.
      </p>
    );
  } else {
    body = <WebhooksScreen scope={courseScope(courseId)} />;
  }

  return (
    <section aria-labelledby="webhooks-heading" className="space-y-6">
      <div className="space-y-2">
        <Link to={`/courses/${encodeURIComponent(courseId)}`} className="text-sm text-indigo-700 underline">
          Back to the course
        </Link>
        <h1 id="webhooks-heading" className="text-2xl font-semibold">
          {title.data !== undefined ? `Webhooks of ${title.data}` : "Course webhooks"}
        </h1>
        <p className="max-w-3xl text-slate-700">
          Courzly sends a signed HTTP POST to each endpoint when one of its events happens in this course. The
          organisation's endpoints, managed by administrators, hear about every course as well.
        </p>
      </div>
      {body}
    </section>
  );
}
