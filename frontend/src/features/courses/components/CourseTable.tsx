import { Link } from "react-router-dom";

import { formatDateTime } from "../../../lib/format";
import type { CourseProgress, CourseSummary } from "../api/courses";
import { STATUS_LABELS, STATUS_STYLES } from "../status";
import { ProgressCell, ReviewsCell } from "./ProgressCells";

export function CourseTable({
  courses,
  progress,
}: {
  courses: CourseSummary[];
  progress: ReadonlyMap<string, CourseProgress>;
}) {
  return (
    <table className="min-w-full divide-y divide-slate-200 bg-white text-left text-sm">
      <caption className="sr-only">Courses</caption>
      <thead className="bg-slate-100">
        <tr>
          <th scope="col" className="px-4 py-2 font-medium">
            Title
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Status
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Progress
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Reviews waiting
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Updated
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {courses.map((course) => (
          <tr key={course.id}>
            <th scope="row" className="px-4 py-2 font-medium">
              <Link
                to={`/courses/${course.id}`}
                className="underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              >
                {course.title}
              </Link>
            </th>
            <td className="px-4 py-2">
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLES[course.status]}`}>
                {STATUS_LABELS[course.status]}
              </span>
            </td>
            <td className="px-4 py-2">
              <ProgressCell course={course} progress={progress.get(course.id)} />
            </td>
            <td className="px-4 py-2">
              <ReviewsCell course={course} progress={progress.get(course.id)} />
            </td>
            <td className="px-4 py-2 text-slate-600">
              <time dateTime={course.updated_at}>{formatDateTime(course.updated_at)}</time>
            </td>
            <td className="px-4 py-2 text-right">
              <Link
                to={`/courses/${course.id}/exports`}
                aria-label={`Exports of ${course.title}`}
                className="text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              >
                Exports
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
