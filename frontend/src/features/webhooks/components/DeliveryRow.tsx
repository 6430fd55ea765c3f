import { useId, useState } from "react";

import { formatDateTime } from "../../../lib/format";
import type { Delivery } from "../api/deliveries";
import { DELIVERY_STATUS_LABELS, DELIVERY_STATUS_STYLES, eventLabel } from "../labels";
import type { WebhookScope } from "../scope";
import { DeliveryDetails } from "./DeliveryDetails";

const smallButton =
  "rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

export const DELIVERY_COLUMNS = 6;

interface DeliveryRowProps {
  scope: WebhookScope;
  endpointId: string;
  delivery: Delivery;
  redelivering: boolean;
  onRedeliver: () => void;
}

function lastAnswer(delivery: Delivery): string {
  const attempt = delivery.last_attempt;
  if (attempt == null) return "Not tried yet";
  const answer = attempt.status_code !== null ? `HTTP ${attempt.status_code}` : (attempt.error ?? "No answer");
  return `${answer}, ${attempt.latency_ms} ms`;
}

/** A delivery in the log; "Details" opens its payload and attempts in a row below. */
export function DeliveryRow({ scope, endpointId, delivery, redelivering, onRedeliver }: DeliveryRowProps) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const label = eventLabel(delivery.event);
  const when = formatDateTime(delivery.created_at);

  return (
    <>
      <tr className="align-top">
        <th scope="row" className="px-3 py-2 text-left font-medium">
          {label}
          <code className="ml-1 text-xs font-normal text-slate-500">{delivery.event}</code>
        </th>
        <td className="px-3 py-2">
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${DELIVERY_STATUS_STYLES[delivery.status]}`}>
            {DELIVERY_STATUS_LABELS[delivery.status]}
          </span>
          {delivery.next_attempt_at !== null && (
            <span className="mt-1 block text-xs text-slate-600">Next try {formatDateTime(delivery.next_attempt_at)}</span>
          )}
        </td>
        <td className="px-3 py-2">{delivery.attempts}</td>
        <td className="px-3 py-2">{lastAnswer(delivery)}</td>
        <td className="whitespace-nowrap px-3 py-2">{when}</td>
        <td className="px-3 py-2">
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              aria-expanded={open}
              aria-controls={open ? detailsId : undefined}
              aria-label={`${open ? "Hide details" : "Details"} of ${label} at ${when}`}
              onClick={() => setOpen(!open)}
              className={smallButton}
            >
              {open ? "Hide details" : "Details"}
            </button>
            <button
              type="button"
              disabled={redelivering}
              aria-label={`Redeliver ${label} of ${when}`}
              onClick={onRedeliver}
              className={smallButton}
            >
              {redelivering ? "Queuing…" : "Redeliver"}
            </button>
          </div>
        </td>
      </tr>
      {open && (
        <tr id={detailsId}>
          <td colSpan={DELIVERY_COLUMNS} className="bg-slate-50 px-3 py-3">
            <DeliveryDetails scope={scope} endpointId={endpointId} deliveryId={delivery.id} />
          </td>
        </tr>
      )}
    </>
  );
}
