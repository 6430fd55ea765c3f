import type { components } from "../../api/schema";

export type Role = components["schemas"]["Role"];

/**
 * Mirrors `review:decide` in app/core/permissions.py: granted to the reviewer and admin roles,
 * either as the global role or as the role of a course membership (course owners are members
 * with the admin role). The UI only hides what cannot succeed; the server still enforces it.
 */
const DECIDERS: ReadonlySet<Role> = new Set<Role>(["admin", "reviewer"]);

export function decidesGlobally(globalRole: Role | null | undefined): boolean {
  return globalRole != null && DECIDERS.has(globalRole);
}

export function canDecideReviews(
  globalRole: Role | null | undefined,
  courseRole: Role | null | undefined,
): boolean {
  return decidesGlobally(globalRole) || (courseRole != null && DECIDERS.has(courseRole));
}
