import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { useSession } from "../api/auth";

/** Route guard: the signed-out go to /sign-in and come back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();

  if (session.status === "signed-out") {
    const from = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to="/sign-in" replace state={{ from }} />;
  }
  if (session.status === "loading") {
    return (
      <p role="status" className="p-8 text-slate-600">
        Loading your session…
      </p>
    );
  }
  if (session.status === "error") {
    return (
      <div role="alert" className="p-8 text-red-800">
        Could not load your account: {errorMessage(session.error)}
      </div>
    );
  }
  return <>{children}</>;
}
