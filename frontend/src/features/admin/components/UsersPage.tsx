import { useEffect, useId, useState } from "react";

import { errorMessage, isApiError } from "../../../api/errors";
import { useDebouncedValue } from "../../../lib/useDebouncedValue";
import { pageParam, useUrlParams } from "../../../lib/urlParams";
import { useCurrentUser } from "../../auth/api/auth";
import { useUpdateUser, useUsers, type User, type UserChange, type UserListParams } from "../api/users";
import { canManageUsers } from "../../auth/permissions";
import { isRole, ROLE_LABELS } from "../permissions";
import { CreateUserForm } from "./CreateUserForm";
import { Pagination } from "../../../components/Pagination";
import { NoticeArea, selectClass, type Notice } from "./ui";
import { RoleOptions } from "./RoleOptions";

const USERS_PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 300;
const SEARCH_MAX_LENGTH = 100; // the API's limit on `q`

const NOT_ADMIN_MESSAGE = "Only administrators can manage users.";

function describeUpdateError(error: unknown, name: string): string {
  if (isApiError(error, 409, "version_conflict")) {
    return `Someone else changed ${name} first. The list has been reloaded; apply your change again.`;
  }
  if (isApiError(error, 403)) return NOT_ADMIN_MESSAGE;
  if (isApiError(error, 404)) return `${name} no longer exists; the list has been reloaded.`;
  return `Could not update ${name}: ${errorMessage(error)}`;
}

function useListParams(): [UserListParams, (changes: Record<string, string | null>) => void] {
  const [searchParams, update] = useUrlParams();
  const q = searchParams.get("q")?.trim() ?? "";
  const params: UserListParams = {
    page: pageParam(searchParams),
    page_size: USERS_PAGE_SIZE,
    ...(q !== "" ? { q } : {}),
  };
  return [params, update];
}

export default function UsersPage() {
  const me = useCurrentUser();
  const isAdmin = canManageUsers(me?.role);
  const [params, update] = useListParams();
  const [search, setSearch] = useState(params.q ?? "");
  const debouncedSearch = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const users = useUsers(params, isAdmin);
  const updateUser = useUpdateUser();
  const [notice, setNotice] = useState<Notice>(null);
  const searchId = useId();

  useEffect(() => {
    if (debouncedSearch !== (params.q ?? "")) update({ q: debouncedSearch, page: null });
    // Only a settled search moves the URL.
  }, [debouncedSearch]);

  if (!isAdmin || isApiError(users.error, 403)) {
    return (
      <section aria-labelledby="users-heading" className="space-y-4">
        <h1 id="users-heading" className="text-2xl font-semibold">
          Users
        </h1>
        <p role="alert" className="rounded-md bg-amber-50 p-4 text-amber-900">
          {NOT_ADMIN_MESSAGE}
        </p>
      </section>
    );
  }

  const change = (user: User, patch: UserChange, done: string) => {
    setNotice(null);
    updateUser.mutate(
      { user, change: patch },
      {
        onSuccess: () => setNotice({ kind: "status", text: done }),
        onError: (error) => setNotice({ kind: "error", text: describeUpdateError(error, user.display_name) }),
      },
    );
  };
  const pendingId = updateUser.isPending ? updateUser.variables.user.id : null;

  return (
    <section aria-labelledby="users-heading" className="space-y-6">
      <h1 id="users-heading" className="text-2xl font-semibold">
        Users
      </h1>
      <NoticeArea notice={notice} />

      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={searchId} className="block text-sm font-medium">
          Search e-mail and name
        </label>
        <input
          id={searchId}
          type="search"
          value={search}
          maxLength={SEARCH_MAX_LENGTH}
          onChange={(e) => setSearch(e.target.value)}
          className="mt-1 w-64 rounded-md border border-slate-300 px-3 py-1.5 focus:outline-none focus:ring-2 focus:ring-indigo-500"
        />
      </form>

      {users.isPending ? (
        <p role="status">Loading users…</p>
      ) : users.isError ? (
        <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
          <p>Could not load users: {errorMessage(users.error)}</p>
          <button type="button" onClick={() => void users.refetch()} className="mt-2 rounded-md border px-3 py-1 text-sm">
            Try again
          </button>
        </div>
      ) : users.data.items.length === 0 ? (
        <p className="rounded-md bg-white p-8 text-center text-slate-600">
          {params.q !== undefined ? "No users match this search." : "No users yet."}
        </p>
      ) : (
        <div aria-busy={users.isFetching} className="overflow-x-auto rounded-lg bg-white shadow">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Users</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-4 py-2">Name</th>
                <th scope="col" className="px-4 py-2">E-mail</th>
                <th scope="col" className="px-4 py-2">Global role</th>
                <th scope="col" className="px-4 py-2">Active</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.data.items.map((user) => (
                <tr key={user.id}>
                  <th scope="row" className="px-4 py-2 text-left font-medium">
                    {user.display_name}
                    {user.id === me?.id && <span className="ml-1 text-slate-500">(you)</span>}
                  </th>
                  <td className="px-4 py-2">{user.email}</td>
                  <td className="px-4 py-2">
                    <select
                      aria-label={`Role of ${user.display_name}`}
                      value={user.role ?? ""}
                      disabled={pendingId === user.id}
                      onChange={(e) => {
                        const role = isRole(e.target.value) ? e.target.value : null;
                        const label = role === null ? "no global role" : ROLE_LABELS[role];
                        change(user, { role }, `${user.display_name} now has ${label}.`);
                      }}
                      className={selectClass}
                    >
                      <RoleOptions />
                    </select>
                  </td>
                  <td className="px-4 py-2">
                    <label className="inline-flex items-center gap-2">
                      <input
                        type="checkbox"
                        role="switch"
                        aria-label={`${user.display_name} is active`}
                        checked={user.is_active}
                        disabled={pendingId === user.id}
                        onChange={(e) => {
                          const active = e.target.checked;
                          change(
                            user,
                            { is_active: active },
                            `${user.display_name} is now ${active ? "active" : "inactive"}.`,
                          );
                        }}
                        className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                      />
                      <span aria-hidden="true">{user.is_active ? "Active" : "Inactive"}</span>
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {users.data !== undefined && users.data.total > 0 && (
        <Pagination
          page={users.data.page}
          pageSize={users.data.page_size}
          total={users.data.total}
          noun={["user", "users"]}
          onPageChange={(page) => update({ page: String(page) })}
        />
      )}

      <CreateUserForm onCreated={(user) => setNotice({ kind: "status", text: `Created ${user.display_name} (${user.email}).` })} />
    </section>
  );
}
