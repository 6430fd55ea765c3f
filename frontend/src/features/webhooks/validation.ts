import { codePointLength } from "../../lib/text";
import type { Endpoint, WebhookEvent } from "./api/endpoints";
import { isWebhookEvent, WEBHOOK_EVENTS } from "./labels";

/** Limits from app/webhooks/schemas.py (Url, EndpointCreate.description). */
export const URL_MAX_LENGTH = 2048;
export const DESCRIPTION_MAX_LENGTH = 200;

export interface EndpointValues {
  url: string;
  description: string;
  events: WebhookEvent[];
}

export type EndpointField = keyof EndpointValues;
export type EndpointErrors = Partial<Record<EndpointField, string>>;

export const EMPTY_ENDPOINT: EndpointValues = { url: "", description: "", events: [] };

export function valuesOf(endpoint: Endpoint): EndpointValues {
  return { url: endpoint.url, description: endpoint.description, events: endpoint.events.filter(isWebhookEvent) };
}

/** The events in the order the form lists them, so requests do not depend on click order. */
export function inListOrder(events: readonly WebhookEvent[]): WebhookEvent[] {
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * What can be told before asking the server. Whether the address is reachable from here,
 * or points inside this network, only the server can tell (it answers 422 with the reason).
 */
export function validateEndpoint(values: EndpointValues): EndpointErrors {
  const errors: EndpointErrors = {};
  const url = values.url.trim();
  if (url === "") errors.url = "Enter the URL that receives the events.";
  else if (codePointLength(url) > URL_MAX_LENGTH) errors.url = `At most ${URL_MAX_LENGTH} characters.`;
  else if (!isHttpUrl(url)) errors.url = "Enter a full URL starting with https:// (or http://).";

  if (codePointLength(values.description.trim()) > DESCRIPTION_MAX_LENGTH) {
    errors.description = `At most ${DESCRIPTION_MAX_LENGTH} characters.`;
  }
  if (values.events.length === 0) errors.events = "Choose at least one event.";
  return errors;
}
