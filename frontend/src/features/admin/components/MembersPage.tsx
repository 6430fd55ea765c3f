import { useState } from "react";
import { Link, useParams } from "react-router-dom";

import { errorMessage, isApiError } from "../../../api/errors";
import { useCurrentUser } from "../../auth/api/auth";
import { useCourseTitle, useMembers, useRemoveMember, useSetMember, type Member } from "../api/members";
import { canManageMembers, canManageUsers, type Role } from "../../auth/permissions";
import { isRole, ROLE_LABELS, ROLES } from "../permissions";
import { describeMemberError } from "../messages";
import { AddMemberForm } from "./AddMemberForm";
import { ConfirmAction, NoticeArea, plainButtonClass, selectClass, type Notice } from "./ui";

function MemberRow({
  member,
  manage,
  busy,
  onRole,
  onRemove,
}: {
  member: Member;
  manage: boolean;
  busy: boolean;
  onRole: (role: Role) => void;
  onRemove: () => void;
}) {
  const name = member.display_name;

  return (
    <tr>
      <th scope="row" className="px-4 py-2 text-left font-medium">
        {name}
      </th>
      <td className="px-4 py-2">{member.email}</td>
      <td className="px-4 py-2">
        {manage ? (
          <select
            aria-label={`Course role of ${name}`}
            value={member.role}
            disabled={busy}
            onChange={(e) => {
              if (isRole(e.target.value)) onRole(e.target.value);
            }}
            className={selectClass}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_LABELS[member.role]
        )}
      </td>
      {manage && (
        <td className="px-4 py-2">
          <ConfirmAction
            label={`Remove ${name} from members`}
            busy={busy}
            groupLabel={`Confirm removing ${name}`}
            question={`Remove ${name} from this course?`}
            confirmLabel={`Yes, remove ${name}`}
            cancelLabel={`Keep ${name}`}
            onConfirm={onRemove}
          />
        </td>
      )}
    </tr>
  );
}

export default function MembersPage() {
  const { courseId = "" } = useParams();
  const me = useCurrentUser();
  const members = useMembers(courseId);
  const title = useCourseTitle(courseId);
  const setMember = useSetMember(courseId);
  const removeMember = useRemoveMember(courseId);
  const [notice, setNotice] = useState<Notice>(null);

  const myCourseRole = members.data?.find((m) => m.user_id === me?.id)?.role ?? null;
  const manage = canManageMembers(me?.role, myCourseRole);
  const busyId = setMember.isPending
    ? setMember.variables.userId
    : removeMember.isPending
      ? removeMember.variables
      : null;

  const heading = title.data !== undefined ? `Members of ${title.data}` : "Course members";

  const changeRole = (member: Member, role: Role) => {
    setNotice(null);
    setMember.mutate(
      { userId: member.user_id, role },
      {
        onSuccess: () => setNotice({ kind: "status", text: `${member.display_name} is now ${ROLE_LABELS[role]} on this course.` }),
        onError: (error) => setNotice({ kind: "error", text: describeMemberError(error, member.display_name) }),
      },
    );
  };

  const remove = (member: Member) => {
    setNotice(null);
    removeMember.mutate(member.user_id, {
      onSuccess: () => setNotice({ kind: "status", text: `Removed ${member.display_name} from this course.` }),
      onError: (error) => setNotice({ kind: "error", text: describeMemberError(error, member.display_name) }),
    });
  };

  return (
    <section aria-labelledby="members-heading" className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 id="members-heading" className="text-2xl font-semibold">
          {heading}
        </h1>
        <Link to={`/courses/${courseId}`} className="text-sm text-indigo-700 underline">
          Back to the course
        </Link>
      </div>
      <NoticeArea notice={notice} />

      {members.isPending ? (
        <p role="status">Loading members…</p>
      ) : members.isError ? (
        <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
          {isApiError(members.error, 404) || isApiError(members.error, 403) ? (
            <p>This course does not exist, or you may not see its members.</p>
          ) : (
            <>
              <p>Could not load the members: {errorMessage(members.error)}</p>
              <button type="button" onClick={() => void members.refetch()} className={`mt-2 ${plainButtonClass}`}>
                Try again
              </button>
            </>
          )}
        </div>
      ) : (
        <>
          {!manage && (
            <p className="text-sm text-slate-600">
              Only administrators and this course's admin members can change its members.
            </p>
          )}
          {members.data.length === 0 ? (
            <p className="rounded-md bg-white p-8 text-center text-slate-600">This course has no members yet.</p>
          ) : (
            <div className="overflow-x-auto rounded-lg bg-white shadow">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">Members</caption>
                <thead className="bg-slate-50 text-left">
                  <tr>
                    <th scope="col" className="px-4 py-2">Name</th>
                    <th scope="col" className="px-4 py-2">E-mail</th>
                    <th scope="col" className="px-4 py-2">Course role</th>
                    {manage && (
                      <th scope="col" className="px-4 py-2">
                        <span className="sr-only">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {members.data.map((member) => (
                    <MemberRow
                      key={member.user_id}
                      member={member}
                      manage={manage}
                      busy={busyId === member.user_id}
                      onRole={(role) => changeRole(member, role)}
                      onRemove={() => remove(member)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {manage && (
            <AddMemberForm
              courseId={courseId}
              members={members.data}
              canSearchUsers={canManageUsers(me?.role)}
              onDone={setNotice}
            />
          )}
        </>
      )}
    </section>
  );
}
