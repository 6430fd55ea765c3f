import type { components } from "../../api/schema";

export type Role = components["schemas"]["Role"];

/**
 * Mirrors app/core/permissions.py so the UI hides what a role cannot do; the server still
 * enforces every rule.
 */

/** courses:create is granted by the global role only. */
const COURSE_CREATORS: ReadonlySet<Role> = new Set<Role>(["admin", "editor"]);

export function canCreateCourses(role: Role | null | undefined): boolean {
  return role != null && COURSE_CREATORS.has(role);
}


/** users:manage is global-only: the global admin role grants it, a course membership never does. */
export function canManageUsers(globalRole: Role | null | undefined): boolean {
  return globalRole === "admin";
}

/** webhooks:manage (the organisation's endpoints) is global-only, like users:manage. */
export function canManageOrganisationWebhooks(globalRole: Role | null | undefined): boolean {
  return globalRole === "admin";
}

/** course:webhooks (one course's endpoints): a global admin, or an admin member of this course. */
export function canManageCourseWebhooks(globalRole: Role | null | undefined, courseRole: Role | null | undefined): boolean {
  return globalRole === "admin" || courseRole === "admin";
}

/** members:manage: a global admin, or an admin member of this course. */
export function canManageMembers(globalRole: Role | null | undefined, courseRole: Role | null | undefined): boolean {
  return globalRole === "admin" || courseRole === "admin";
}

/**
 * `review:decide`: granted to the reviewer and admin roles, either as the global role or as
 * the role of a course membership (course owners are members with the admin role).
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

/** `run:start` (start, retry, fork, cancel runs): editors and admins, globally or on the course. */
const RUN_STARTERS: ReadonlySet<Role> = new Set<Role>(["admin", "editor"]);

export function canStartRuns(globalRole: Role | null | undefined, courseRole: Role | null | undefined): boolean {
  return (globalRole != null && RUN_STARTERS.has(globalRole)) || (courseRole != null && RUN_STARTERS.has(courseRole));
}

/** `lesson:edit`: the same roles as run:start (editors and admins, globally or on the course). */
export const canEditLessons = canStartRuns;

/** `chat:send`: editors, reviewers and admins, globally or on the course. */
const CHATTERS: ReadonlySet<Role> = new Set<Role>(["admin", "editor", "reviewer"]);

export function canChat(globalRole: Role | null | undefined, courseRole: Role | null | undefined): boolean {
  return (globalRole != null && CHATTERS.has(globalRole)) || (courseRole != null && CHATTERS.has(courseRole));
}

/** `export:create`: editors and admins, globally or on the course (the same as run:start). */
export const canCreateExports = canStartRuns;
