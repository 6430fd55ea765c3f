import { useId, useState } from "react";

import { errorMessage } from "../../../api/errors";
import { LoadFailed } from "../../../components/LoadFailed";
import { Pagination } from "../../../components/Pagination";
import { buttonClass } from "../../brief/components/Field";
import { selectClass, type Notice } from "../../admin/components/ui";
import { useDeliveries, useRedeliver, type Delivery, type DeliveryListParams, type DeliveryStatus } from "../api/deliveries";
import { DELIVERY_STATUS_LABELS, DELIVERY_STATUSES, eventLabel, isDeliveryStatus } from "../labels";
import type { WebhookScope } from "../scope";
import { DeliveryRow } from "./DeliveryRow";

export const DELIVERIES_PAGE_SIZE = 10;

interface DeliveryLogProps {
  scope: WebhookScope;
  endpointId: string;
  /** For the table's name: which endpoint this log is of. */
  endpointUrl: string;
  endpointEnabled: boolean;
  onNotice: (notice: Notice) => void;
}

/** An endpoint's deliveries, newest first: filter by status, page, open one, send one again. */
export function DeliveryLog({ scope, endpointId, endpointUrl, endpointEnabled, onNotice }: DeliveryLogProps) {
  const filterId = useId();
  const [status, setStatus] = useState<DeliveryStatus | null>(null);
  const [page, setPage] = useState(1);
  const params: DeliveryListParams = { page, page_size: DELIVERIES_PAGE_SIZE, ...(status !== null ? { status } : {}) };
  const deliveries = useDeliveries(scope, endpointId, params);
  const redeliver = useRedeliver(scope, endpointId);

  const sendAgain = (delivery: Delivery) => {
    onNotice(null);
    redeliver.mutate(delivery.id, {
      onSuccess: () =>
        onNotice({
          kind: "status",
          text: endpointEnabled
            ? `${eventLabel(delivery.event)} queued again; it goes out after the messages ahead of it.`
            : `${eventLabel(delivery.event)} queued again; it waits until the endpoint is turned on again.`,
        }),
      onError: (error) => onNotice({ kind: "error", text: `Could not redeliver: ${errorMessage(error)}` }),
    });
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={filterId} className="block text-sm font-medium">
            Status
          </label>
          <select
            id={filterId}
            value={status ?? ""}
            onChange={(e) => {
              setStatus(isDeliveryStatus(e.target.value) ? e.target.value : null);
              setPage(1);
            }}
            className={selectClass}
          >
            <option value="">All</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {DELIVERY_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          disabled={deliveries.isFetching}
          onClick={() => void deliveries.refetch()}
          className={buttonClass}
        >
          {deliveries.isFetching ? "Refreshing…" : "Refresh"}
        </button>
      </div>

      {deliveries.isPending ? (
        <p role="status" className="text-slate-600">
          Loading deliveries…
        </p>
      ) : deliveries.isError ? (
        <LoadFailed what="the deliveries" error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.items.length === 0 ? (
        <p className="rounded-md bg-slate-50 p-4 text-center text-slate-600">
          {status !== null ? `No ${DELIVERY_STATUS_LABELS[status].toLowerCase()} deliveries.` : "Nothing has been sent to this endpoint yet."}
        </p>
      ) : (
        <div aria-busy={deliveries.isFetching} className="overflow-x-auto rounded-md border border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Deliveries to {endpointUrl}</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">Event</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Attempts</th>
                <th scope="col" className="px-3 py-2">Last answer</th>
                <th scope="col" className="px-3 py-2">Created</th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.data.items.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  scope={scope}
                  endpointId={endpointId}
                  delivery={delivery}
                  redelivering={redeliver.isPending && redeliver.variables === delivery.id}
                  onRedeliver={() => sendAgain(delivery)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {deliveries.data !== undefined && deliveries.data.total > 0 && (
        <Pagination
          page={deliveries.data.page}
          pageSize={deliveries.data.page_size}
          total={deliveries.data.total}
          noun={["delivery", "deliveries"]}
          onPageChange={setPage}
        />
      )}
    </div>
  );
}
