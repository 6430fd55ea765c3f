import type { components } from "../../api/schema";

type WebhookEvent = components["schemas"]["WebhookEvent"];
type DeliveryStatus = components["schemas"]["DeliveryStatus"];

// Records over the generated unions: an event or status added to the API fails the type check here.
export const EVENT_LABELS: Record<WebhookEvent, string> = {
  "run.started": "Run started",
  "gate.waiting": "Review gate waiting",
  "decision.made": "Decision made",
  "run.failed": "Run failed",
  "course.approved": "Course approved",
  "export.ready": "Export ready",
};

/** The order the checkboxes and lists show events in: a course's life, start to end. */
export const WEBHOOK_EVENTS = Object.keys(EVENT_LABELS) as WebhookEvent[];

export function isWebhookEvent(value: string): value is WebhookEvent {
  return Object.hasOwn(EVENT_LABELS, value);
}

/** A delivery's event in words; `webhook.test` and names this build does not know as sent. */
export function eventLabel(event: string): string {
  if (isWebhookEvent(event)) return EVENT_LABELS[event];
  return event === "webhook.test" ? "Test event" : event;
}

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
};

export const DELIVERY_STATUSES = Object.keys(DELIVERY_STATUS_LABELS) as DeliveryStatus[];

export function isDeliveryStatus(value: string): value is DeliveryStatus {
  return Object.hasOwn(DELIVERY_STATUS_LABELS, value);
}

export const DELIVERY_STATUS_STYLES: Record<DeliveryStatus, string> = {
  pending: "bg-amber-100 text-amber-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};
