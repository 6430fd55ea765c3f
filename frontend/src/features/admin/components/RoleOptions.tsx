import { ROLE_LABELS, ROLES } from "../permissions";

/** The choices of a global-role select: none, then each role (value "" means no role). */
export function RoleOptions() {
  return (
    <>
      <option value="">No global role</option>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </>
  );
}
