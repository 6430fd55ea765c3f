import { useId, useState, type FormEvent } from "react";

import { useDebouncedValue } from "../../../lib/useDebouncedValue";
import { Field, inputClass, primaryButtonClass } from "../../brief/components/Field";
import type { Member } from "../api/members";
import { useSetMember } from "../api/members";
import { useUsers } from "../api/users";
import type { Role } from "../../auth/permissions";
import { isRole, ROLE_LABELS, ROLES } from "../permissions";
import { isUuid } from "../validation";
import { describeMemberError } from "../messages";
import type { Notice } from "./ui";

const PICKER_PAGE_SIZE = 20;

interface AddMemberFormProps {
  courseId: string;
  members: readonly Member[];
  /** GET /users is admin-only: others add by user id (the API has no lookup by e-mail). */
  canSearchUsers: boolean;
  onDone: (notice: Notice) => void;
}

export function AddMemberForm({ courseId, members, canSearchUsers, onDone }: AddMemberFormProps) {
  const base = useId();
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search.trim(), 300);
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [error, setError] = useState<string | undefined>(undefined);
  const setMember = useSetMember(courseId);
  const users = useUsers({ page: 1, page_size: PICKER_PAGE_SIZE, is_active: true, ...(q !== "" ? { q } : {}) }, canSearchUsers);

  const memberIds = new Set(members.map((m) => m.user_id));
  const candidates = (users.data?.items ?? []).filter((u) => !memberIds.has(u.id));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = userId.trim();
    if (id === "") {
      setError(canSearchUsers ? "Choose a user." : "Enter the user's ID.");
      return;
    }
    if (!isUuid(id)) {
      setError("A user ID looks like 3f2a…-…: 36 characters with dashes.");
      return;
    }
    if (memberIds.has(id)) {
      setError("This user is already a member; change their role in the table.");
      return;
    }
    setError(undefined);
    const picked = users.data?.items.find((u) => u.id === id);
    const who = picked?.display_name ?? "The user";
    onDone(null);
    setMember.mutate(
      { userId: id, role },
      {
        onSuccess: (member) => {
          setUserId("");
          setSearch("");
          onDone({ kind: "status", text: `Added ${member.display_name} as ${ROLE_LABELS[member.role]}.` });
        },
        onError: (err) => onDone({ kind: "error", text: describeMemberError(err, who) }),
      },
    );
  };

  return (
    <section aria-labelledby={`${base}-heading`} className="space-y-4 rounded-lg bg-white p-4 shadow">
      <h2 id={`${base}-heading`} className="text-lg font-semibold">
        Add a member
      </h2>
      <form noValidate onSubmit={submit} aria-labelledby={`${base}-heading`} className="grid gap-4 sm:grid-cols-2">
        {canSearchUsers ? (
          <>
            <div>
              <label htmlFor={`${base}-search`} className="block text-sm font-medium">
                Find a user
              </label>
              <input
                id={`${base}-search`}
                type="search"
                maxLength={100}
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                className={inputClass}
              />
            </div>
            <Field id={`${base}-user`} label="User" error={error}>
              {(control) => (
                <select
                  {...control}
                  value={userId}
                  onChange={(e) => {
                    setUserId(e.target.value);
                    setError(undefined);
                  }}
                  className={inputClass}
                >
                  <option value="">
                    {users.isPending ? "Loading users…" : candidates.length === 0 ? "No users to add" : "Choose a user"}
                  </option>
                  {candidates.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.display_name} ({u.email})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        ) : (
          <Field
            id={`${base}-user`}
            label="User ID"
            hint="Only administrators can search users; ask one for the person's user ID."
            error={error}
          >
            {(control) => (
              <input
                {...control}
                type="text"
                spellCheck={false}
                value={userId}
                onChange={(e) => {
                  setUserId(e.target.value);
                  setError(undefined);
                }}
                className={inputClass}
              />
            )}
          </Field>
        )}
        <div>
          <label htmlFor={`${base}-role`} className="block text-sm font-medium">
            Course role
          </label>
          <select
            id={`${base}-role`}
            value={role}
            onChange={(e) => {
              if (isRole(e.target.value)) setRole(e.target.value);
            }}
            className={inputClass}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-2">
          <button type="submit" disabled={setMember.isPending} className={primaryButtonClass}>
            Add member
          </button>
        </div>
      </form>
    </section>
  );
}
