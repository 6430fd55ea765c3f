import type { Role } from "../auth/permissions";

/**
 * Mirrors export:create in app/core/permissions.py for the global role (Editors and Admins).
 * Gap: the server also grants it through a course membership (a global Viewer who is an
 * Editor on this course may export); the UI hides the picker for them until course roles
 * reach the client. The server enforces either way.
 */
const EXPORT_CREATORS: ReadonlySet<Role> = new Set<Role>(["admin", "editor"]);

export function canCreateExports(role: Role | null | undefined): boolean {
  return role != null && EXPORT_CREATORS.has(role);
}
