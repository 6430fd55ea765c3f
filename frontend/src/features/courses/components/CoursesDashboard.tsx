import { useEffect, useId, useMemo, useState } from "react";
import { Link } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { useDebouncedValue } from "../../../lib/useDebouncedValue";
import { pageParam, useUrlParams, type ParamChanges } from "../../../lib/urlParams";
import { useCurrentUser } from "../../auth/api/auth";
import { canCreateCourses } from "../../auth/permissions";
import { useCourseProgress, useCourses, useLiveCourseLists, type CourseListParams } from "../api/courses";
import { COURSE_STATUSES, isCourseStatus, STATUS_LABELS } from "../status";
import { CourseTable } from "./CourseTable";
import { Pagination } from "../../../components/Pagination";

export const PAGE_SIZE = 20;
export const SEARCH_DEBOUNCE_MS = 300;
const SEARCH_MAX_LENGTH = 100; // the API's limit on `q`

/** Filters live in the URL, so a filtered view can be shared, reloaded and navigated back to. */
function useListParams(): [CourseListParams, (changes: ParamChanges) => void] {
  const [searchParams, update] = useUrlParams();
  const q = searchParams.get("q")?.trim() ?? "";
  const status = searchParams.get("status");
  const params: CourseListParams = {
    page: pageParam(searchParams),
    page_size: PAGE_SIZE,
    sort: "-updated_at",
    ...(q !== "" ? { q } : {}),
    ...(isCourseStatus(status) ? { status } : {}),
  };
  return [params, update];
}

export default function CoursesDashboard() {
  const user = useCurrentUser();
  const [params, update] = useListParams();
  const [search, setSearch] = useState(params.q ?? "");
  const debouncedSearch = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const courses = useCourses(params);
  const listed = useMemo(() => courses.data?.items.map((course) => course.id) ?? [], [courses.data]);
  const progress = useCourseProgress(listed);
  useLiveCourseLists();
  const ids = { search: useId(), status: useId() };

  useEffect(() => {
    if (debouncedSearch !== (params.q ?? "")) update({ q: debouncedSearch, page: null });
    // Only a settled search should move the URL; `params` changing alone must not.
  }, [debouncedSearch]);

  const filtered = params.q !== undefined || params.status !== undefined;

  return (
    <section aria-labelledby="courses-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 id="courses-heading" className="text-2xl font-semibold">
          Courses
        </h1>
        {canCreateCourses(user?.role) && (
          <Link
            to="/courses/new"
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
          >
            New course
          </Link>
        )}
      </div>

      <form role="search" className="flex flex-wrap gap-4" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor={ids.search} className="block text-sm font-medium">
            Search titles
          </label>
          <input
            id={ids.search}
            type="search"
            value={search}
            maxLength={SEARCH_MAX_LENGTH}
            onChange={(e) => setSearch(e.target.value)}
            className="mt-1 w-64 rounded-md border border-slate-300 px-3 py-1.5 focus:outline-none focus:ring-2 focus:ring-indigo-500"
          />
        </div>
        <div>
          <label htmlFor={ids.status} className="block text-sm font-medium">
            Status
          </label>
          <select
            id={ids.status}
            value={params.status ?? ""}
            onChange={(e) => update({ status: e.target.value, page: null })}
            className="mt-1 rounded-md border border-slate-300 px-3 py-1.5 focus:outline-none focus:ring-2 focus:ring-indigo-500"
          >
            <option value="">All statuses</option>
            {COURSE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
      </form>

      {courses.isPending ? (
        <p role="status" className="text-slate-600">
          Loading courses…
        </p>
      ) : courses.isError ? (
        <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
          <p>Could not load courses: {errorMessage(courses.error)}</p>
          <button
            type="button"
            onClick={() => void courses.refetch()}
            className="mt-2 rounded-md border border-red-300 bg-white px-3 py-1 text-sm"
          >
            Try again
          </button>
        </div>
      ) : courses.data.items.length === 0 ? (
        <p className="rounded-md bg-white p-8 text-center text-slate-600">
          {filtered ? "No courses match these filters." : "No courses yet."}
        </p>
      ) : (
        <div aria-busy={courses.isFetching} className="overflow-x-auto rounded-lg shadow">
          <CourseTable courses={courses.data.items} progress={progress} />
        </div>
      )}

      {courses.data !== undefined && courses.data.total > 0 && (
        <Pagination
          noun={["course", "courses"]}
          page={courses.data.page}
          pageSize={courses.data.page_size}
          total={courses.data.total}
          onPageChange={(page) => update({ page: String(page) })}
        />
      )}
    </section>
  );
}
