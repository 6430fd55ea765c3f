import { Link } from "react-router-dom";

export default function NotFoundPage() {
  return (
    <section className="space-y-4 p-8">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <Link to="/courses" className="text-indigo-700 underline">
        Go to courses
      </Link>
    </section>
  );
}
