import { Link } from "react-router-dom";

import { useCurrentUser } from "../../auth/api/auth";
import { canCreateCourses } from "../../auth/permissions";

/** Placeholder until the brief form lands (issue 5, "New course"). */
export default function NewCoursePage() {
  const user = useCurrentUser();
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold">New course</h1>
      <p className="text-slate-700">
        {canCreateCourses(user?.role)
          ? "The course brief form is coming soon."
          : "Your role cannot create courses; ask an administrator."}
      </p>
      <Link to="/courses" className="text-indigo-700 underline">
        Back to courses
      </Link>
    </section>
  );
}
