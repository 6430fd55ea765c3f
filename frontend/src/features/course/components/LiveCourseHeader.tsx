import { Link } from "react-router-dom";

import { LiveIndicator } from "../../../live/LiveIndicator";
import { PresenceBar } from "../../../live/PresenceBar";

/** The top of a live course view: back to the course, "<course>: <what>", live or not. */
export function LiveCourseHeader({
  courseId,
  courseTitle,
  what,
  headingId,
}: {
  courseId: string;
  courseTitle: string | undefined;
  what: string;
  headingId: string;
}) {
  return (
    <div className="space-y-2">
      <Link to={`/courses/${encodeURIComponent(courseId)}`} className="text-sm text-indigo-700 underline">
        Back to {courseTitle ?? "the course"}
      </Link>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id={headingId} className="text-2xl font-semibold">
          {courseTitle !== undefined ? `${courseTitle}: ${what}` : what.charAt(0).toUpperCase() + what.slice(1)}
        </h1>
        <LiveIndicator />
      </div>
      <PresenceBar courseId={courseId} activity={{ state: "viewing" }} />
    </div>
  );
}
