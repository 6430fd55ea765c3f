import { errorMessage, isApiError } from "../../api/errors";

/** The API's answer to a members write, in words (403, 404, 409, 422 each mean something). */
export function describeMemberError(error: unknown, subject: string): string {
  if (isApiError(error, 403)) return "You may not manage this course's members.";
  if (isApiError(error, 404)) return `${subject}: no such user or course (it may have been removed).`;
  if (isApiError(error, 409)) return errorMessage(error); // last_course_admin: the server's words say why
  if (isApiError(error, 422)) return `The server refused this change: ${errorMessage(error)}`;
  return `${subject}: ${errorMessage(error)}`;
}
