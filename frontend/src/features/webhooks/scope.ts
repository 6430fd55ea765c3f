/**
 * Whose endpoints a screen manages: the organisation's (`courseId` null, /api/v1/webhooks)
 * or one course's (/api/v1/courses/{course_id}/webhooks). Both answer in the same shapes.
 */
export interface WebhookScope {
  readonly courseId: string | null;
}

export const ORGANISATION: WebhookScope = { courseId: null };

export function courseScope(courseId: string): WebhookScope {
  return { courseId };
}

/** The part of every query key that tells the scopes apart. */
export function scopeKey(scope: WebhookScope): string {
  return scope.courseId ?? "organisation";
}
