import type { components } from "../../api/schema";

export type Role = components["schemas"]["Role"];

/**
 * Mirrors app/core/permissions.py (courses:create is granted by the global role only) so the
 * UI hides what a role cannot do; the server still enforces every rule.
 */
const COURSE_CREATORS: ReadonlySet<Role> = new Set<Role>(["admin", "editor"]);

export function canCreateCourses(role: Role | null | undefined): boolean {
  return role != null && COURSE_CREATORS.has(role);
}
