import type { components } from "../../api/schema";

export type Role = components["schemas"]["Role"];

/** Mirrors app/core/permissions.py; the server enforces every rule regardless. */
export const ROLES: readonly Role[] = ["admin", "editor", "reviewer", "viewer"];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  editor: "Editor",
  reviewer: "Reviewer",
  viewer: "Viewer",
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** users:manage is global-only: the global admin role grants it, a course membership never does. */
export function canManageUsers(globalRole: Role | null | undefined): boolean {
  return globalRole === "admin";
}

/** members:manage: a global admin, or an admin member of this course. */
export function canManageMembers(globalRole: Role | null | undefined, courseRole: Role | null | undefined): boolean {
  return globalRole === "admin" || courseRole === "admin";
}
