import { errorMessage, isApiError } from "../../api/errors";
import { fieldMessages } from "../admin/api/errors";
import type { EndpointErrors, EndpointField } from "./validation";

export const CONFLICT_MESSAGE =
  "Someone else changed this endpoint while you were working on it. It has been reloaded: check it, then try again.";

/** The API's answer to a write on an endpoint, in words. `action`: "Could not delete the endpoint". */
export function describeWebhookError(error: unknown, action: string): string {
  if (isApiError(error, 409, "version_conflict")) return CONFLICT_MESSAGE;
  if (isApiError(error, 404)) return `${action}: it no longer exists (someone may have deleted it). The list has been reloaded.`;
  if (isApiError(error, 403)) return `${action}: you may not manage these webhooks.`;
  return `${action}: ${errorMessage(error)}`;
}

const FORM_FIELDS: readonly EndpointField[] = ["url", "description", "events"];

function isEndpointField(name: string): name is EndpointField {
  return (FORM_FIELDS as readonly string[]).includes(name);
}

/**
 * A refused create or edit, split into what belongs next to a field and what goes above the
 * form. The URL check (422 invalid_webhook_url) explains itself in plain words: it goes to
 * the URL field as sent.
 */
export function endpointFormErrors(error: unknown, action: string): { fields: EndpointErrors; form: string | null } {
  if (isApiError(error, 422, "invalid_webhook_url")) return { fields: { url: error.message }, form: null };
  if (isApiError(error, 422)) {
    const fields: EndpointErrors = {};
    for (const [name, message] of Object.entries(fieldMessages(error.fields))) {
      if (isEndpointField(name)) fields[name] = message;
    }
    if (Object.keys(fields).length > 0) return { fields, form: null };
    return { fields, form: `${action}: ${error.message}` };
  }
  return { fields: {}, form: describeWebhookError(error, action) };
}
