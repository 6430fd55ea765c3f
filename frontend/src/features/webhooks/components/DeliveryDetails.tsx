import { useId } from "react";

import { LoadFailed } from "../../../components/LoadFailed";
import { formatDateTime } from "../../../lib/format";
import { useDelivery, type Attempt } from "../api/deliveries";
import type { WebhookScope } from "../scope";

interface DeliveryDetailsProps {
  scope: WebhookScope;
  endpointId: string;
  deliveryId: string;
}

function outcome(attempt: Attempt): string {
  if (attempt.succeeded) return "Delivered";
  return attempt.status_code !== null ? "Refused" : "No answer";
}

/** One delivery opened up: the JSON sent and every attempt with what came back. */
export function DeliveryDetails({ scope, endpointId, deliveryId }: DeliveryDetailsProps) {
  const delivery = useDelivery(scope, endpointId, deliveryId);
  const payloadId = useId();

  if (delivery.isPending) {
    return (
      <p role="status" className="text-slate-600">
        Loading the delivery…
      </p>
    );
  }
  if (delivery.isError) {
    return <LoadFailed what="the delivery" error={delivery.error} onRetry={() => void delivery.refetch()} />;
  }

  const { data } = delivery;
  return (
    <div className="space-y-4">
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">Message ID</dt>
        <dd className="break-all font-mono">{data.message_id}</dd>
        {data.redelivery_of !== null && (
          <>
            <dt className="font-medium">Redelivery</dt>
            <dd>A copy of an earlier delivery, with the same message ID so receivers can drop duplicates.</dd>
          </>
        )}
        {data.next_attempt_at !== null && (
          <>
            <dt className="font-medium">Next attempt</dt>
            <dd>{formatDateTime(data.next_attempt_at)}</dd>
          </>
        )}
      </dl>

      <div className="space-y-1">
        <h4 id={payloadId} className="text-sm font-medium">
          Payload
        </h4>
        {/* Focusable so the scrolled box can be read with the keyboard. */}
        <pre
          tabIndex={0}
          role="region"
          aria-labelledby={payloadId}
          className="max-h-72 overflow-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          {JSON.stringify(data.payload, null, 2)}
        </pre>
      </div>

      {data.attempt_log.length === 0 ? (
        <p className="text-sm text-slate-600">Not attempted yet.</p>
      ) : (
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="text-left text-sm font-medium">Attempts</caption>
          <thead className="text-left">
            <tr>
              <th scope="col" className="px-2 py-1">When</th>
              <th scope="col" className="px-2 py-1">Result</th>
              <th scope="col" className="px-2 py-1">HTTP status</th>
              <th scope="col" className="px-2 py-1">Latency</th>
              <th scope="col" className="px-2 py-1">Error</th>
              <th scope="col" className="px-2 py-1">Response (excerpt)</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {data.attempt_log.map((attempt, index) => (
              <tr key={`${attempt.attempted_at}-${index}`}>
                <td className="whitespace-nowrap px-2 py-1">{formatDateTime(attempt.attempted_at)}</td>
                <td className={`px-2 py-1 ${attempt.succeeded ? "text-emerald-800" : "text-red-800"}`}>{outcome(attempt)}</td>
                <td className="px-2 py-1">{attempt.status_code ?? "—"}</td>
                <td className="px-2 py-1">{attempt.latency_ms} ms</td>
                <td className="px-2 py-1">{attempt.error ?? "—"}</td>
                <td className="px-2 py-1">
                  {attempt.response_excerpt === "" ? (
                    "—"
                  ) : (
                    <pre className="max-h-32 max-w-md overflow-auto whitespace-pre-wrap break-all font-mono text-xs">
                      {attempt.response_excerpt}
                    </pre>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
