import { buttonClass } from "../../brief/components/Field";
import { formatDateTime } from "../../../lib/format";
import type { Endpoint } from "../api/endpoints";

interface EndpointStatusProps {
  endpoint: Endpoint;
  busy: boolean;
  onTurnOn: () => void;
  /** Names the endpoint for the button (the card's heading). */
  describedBy: string;
}

/** On or off and why, deliveries failing, a secret rotation under way. */
export function EndpointStatus({ endpoint, busy, onTurnOn, describedBy }: EndpointStatusProps) {
  return (
    <div className="space-y-2 text-sm">
      <p className="text-slate-700">
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${
            endpoint.enabled ? "bg-emerald-100 text-emerald-900" : "bg-slate-200 text-slate-800"
          }`}
        >
          {endpoint.enabled ? "On" : "Off"}
        </span>
        <span className="ml-2">Added {formatDateTime(endpoint.created_at)}</span>
      </p>

      {!endpoint.enabled && (
        <div role="note" className="space-y-2 rounded-md border border-slate-300 bg-slate-50 p-3 text-slate-800">
          <p>
            <strong>This endpoint is turned off.</strong> {endpoint.disabled_reason ?? "No reason was recorded."}
          </p>
          <p>No new events are queued for it while it is off; turning it on again resumes its queue.</p>
          <button type="button" disabled={busy} aria-describedby={describedBy} onClick={onTurnOn} className={buttonClass}>
            {busy ? "Turning on…" : "Turn on again"}
          </button>
        </div>
      )}

      {endpoint.enabled && endpoint.failing_since !== null && (
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          <strong>Warning: deliveries have been failing since {formatDateTime(endpoint.failing_since)}.</strong>{" "}
          Later messages wait behind the failing one. If it keeps failing for a day, Courzly turns the endpoint off and
          tells its owner by e-mail.
        </p>
      )}

      {endpoint.rotating_until != null && (
        <p className="text-slate-700">
          Secret rotation under way: the previous secret also signs every message until{" "}
          {formatDateTime(endpoint.rotating_until)}.
        </p>
      )}
    </div>
  );
}
