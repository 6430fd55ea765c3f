import { Suspense } from "react";
import { NavLink, Outlet } from "react-router-dom";

import { useCurrentUser, useSignOut } from "../features/auth/api/auth";
import { canManageOrganisationWebhooks, canManageUsers } from "../features/auth/permissions";
import { PageLoading } from "./PageLoading";

function navLinkClass({ isActive }: { isActive: boolean }): string {
  return isActive ? "font-medium text-indigo-700" : "text-slate-700";
}

export function Layout() {
  const user = useCurrentUser();
  const signOut = useSignOut();
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
          <nav aria-label="Main" className="flex items-center gap-6">
            <span className="text-lg font-semibold">Courzly</span>
            <NavLink to="/courses" className={navLinkClass}>
              Courses
            </NavLink>
            <NavLink to="/reviews" className={navLinkClass}>
              Reviews
            </NavLink>
            {canManageUsers(user?.role) && (
              <NavLink to="/admin/users" className={navLinkClass}>
                Admin
              </NavLink>
            )}
            {canManageOrganisationWebhooks(user?.role) && (
              <NavLink to="/admin/webhooks" className={navLinkClass}>
                Webhooks
              </NavLink>
            )}
          </nav>
          <div className="flex items-center gap-4 text-sm">
            {user !== null && (
              <span className="text-slate-600">
                {user.display_name}
                {user.role !== null && ` · ${user.role}`}
              </span>
            )}
            <NavLink to="/settings/notifications" className={navLinkClass}>
              Notification settings
            </NavLink>
            <NavLink to="/settings/integrations" className={navLinkClass}>
              Integrations
            </NavLink>
            <button
              type="button"
              onClick={() => signOut.mutate()}
              disabled={signOut.isPending}
              className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
