import type { Role } from "../auth/permissions";

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
