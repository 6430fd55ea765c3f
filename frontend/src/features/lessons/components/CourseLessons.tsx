import { Link } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { useCourseOutline } from "../api/lessons";

/** The course's modules and lessons, each lesson opening its editor. */
export function CourseLessons({ courseId }: { courseId: string }) {
  const outline = useCourseOutline(courseId);
  return (
    <section aria-labelledby="lessons-heading" className="space-y-3">
      <h2 id="lessons-heading" className="text-xl font-semibold">
        Lessons
      </h2>
      {outline.isPending ? (
        <p className="text-slate-600">Loading the lessons…</p>
      ) : outline.isError ? (
        <p role="alert">Could not load the lessons: {errorMessage(outline.error)}</p>
      ) : outline.data.length === 0 ? (
        <p className="rounded-md bg-white p-6 text-slate-600">No lessons yet: they appear once the outline is approved.</p>
      ) : (
        <ol className="space-y-3">
          {outline.data.map((module) => (
            <li key={module.id} className="rounded-lg bg-white p-4 shadow">
              <h3 className="font-medium">{module.title}</h3>
              <ol className="mt-2 list-decimal space-y-1 pl-6">
                {module.lessons
                  .filter((lesson) => lesson.deleted_at === null)
                  .map((lesson) => (
                    <li key={lesson.id}>
                      <Link
                        to={`/courses/${encodeURIComponent(courseId)}/lessons/${encodeURIComponent(lesson.id)}`}
                        className="text-indigo-700 underline"
                      >
                        {lesson.title}
                      </Link>
                    </li>
                  ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
