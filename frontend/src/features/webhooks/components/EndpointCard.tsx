import { useEffect, useId, useRef, useState } from "react";

import { buttonClass } from "../../brief/components/Field";
import { ConfirmAction, type Notice } from "../../admin/components/ui";
import { useDeleteEndpoint, useUpdateEndpoint, type Endpoint, type EndpointChange } from "../api/endpoints";
import { eventLabel } from "../labels";
import { describeWebhookError } from "../messages";
import type { WebhookScope } from "../scope";
import { inListOrder, valuesOf, type EndpointValues } from "../validation";
import { DeliveryLog } from "./DeliveryLog";
import { EndpointForm } from "./EndpointForm";
import { EndpointStatus } from "./EndpointStatus";
import { SecretPanel } from "./SecretPanel";
import { TestEvent } from "./TestEvent";

interface EndpointCardProps {
  scope: WebhookScope;
  endpoint: Endpoint;
  onNotice: (notice: Notice) => void;
}

/** Only what the edit changed: an untouched URL is not checked (resolved) again. */
function changesOf(endpoint: Endpoint, values: EndpointValues): EndpointChange {
  const change: EndpointChange = {};
  if (values.url !== endpoint.url) change.url = values.url;
  if (values.description !== endpoint.description) change.description = values.description;
  // Compared as sets with what the server holds (it keeps them sorted, we list them in course order).
  const events = inListOrder(values.events);
  const same = events.length === endpoint.events.length && events.every((e) => endpoint.events.includes(e));
  if (!same) change.events = events;
  return change;
}

/** One endpoint: what it is and how it fares, with everything that can be done to it. */
export function EndpointCard({ scope, endpoint, onNotice }: EndpointCardProps) {
  const headingId = useId();
  const logId = useId();
  const update = useUpdateEndpoint(scope);
  const remove = useDeleteEndpoint(scope);
  const [editing, setEditing] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (!editing && wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const setEnabled = (enabled: boolean) => {
    onNotice(null);
    update.mutate(
      { endpoint, change: { enabled } },
      {
        onSuccess: (updated) =>
          onNotice({
            kind: "status",
            text: enabled
              ? `${updated.url} is on again; its queued messages go out now.`
              : `${updated.url} is off: no new events are queued for it until it is on again.`,
          }),
        onError: (error) => onNotice({ kind: "error", text: describeWebhookError(error, `Could not turn ${enabled ? "on" : "off"} ${endpoint.url}`) }),
      },
    );
  };

  const save = async (values: EndpointValues) => {
    const change = changesOf(endpoint, values);
    if (Object.keys(change).length > 0) {
      onNotice(null);
      const updated = await update.mutateAsync({ endpoint, change });
      onNotice({ kind: "status", text: `Saved the changes to ${updated.url}.` });
    }
    setEditing(false);
  };

  const onDelete = () => {
    onNotice(null);
    remove.mutate(endpoint.id, {
      onSuccess: () => onNotice({ kind: "status", text: `Deleted ${endpoint.url}.` }),
      onError: (error) => onNotice({ kind: "error", text: describeWebhookError(error, `Could not delete ${endpoint.url}`) }),
    });
  };

  const toggling = update.isPending && update.variables.change.enabled != null;

  return (
    <article aria-labelledby={headingId} className="space-y-4 rounded-lg bg-white p-4 shadow">
      <header className="space-y-2">
        <h3 id={headingId} className="break-all font-mono text-base font-semibold">
          {endpoint.url}
        </h3>
        {endpoint.description !== "" && <p className="text-slate-700">{endpoint.description}</p>}
        <p className="text-sm text-slate-700">
          Events: {endpoint.events.length === 0 ? "none" : inListOrder(valuesOf(endpoint).events).map(eventLabel).join(", ")}
        </p>
        <EndpointStatus endpoint={endpoint} busy={toggling} onTurnOn={() => setEnabled(true)} describedBy={headingId} />
      </header>

      <div className="flex flex-wrap items-center gap-2">
        <button
          ref={editButton}
          type="button"
          aria-expanded={editing}
          aria-describedby={headingId}
          onClick={() => setEditing(!editing)}
          className={buttonClass}
        >
          Edit
        </button>
        {endpoint.enabled && (
          <button type="button" disabled={toggling} aria-describedby={headingId} onClick={() => setEnabled(false)} className={buttonClass}>
            {toggling ? "Turning off…" : "Turn off"}
          </button>
        )}
        <ConfirmAction
          label="Delete"
          busy={remove.isPending}
          busyLabel="Deleting…"
          describedBy={headingId}
          groupLabel="Confirm deleting the endpoint"
          question="Delete this endpoint? Its queued messages are dropped, and its log goes with it."
          confirmLabel="Yes, delete it"
          cancelLabel="Keep it"
          onConfirm={onDelete}
        />
      </div>

      {editing && (
        <div className="rounded-md border border-slate-200 p-3">
          <EndpointForm
            label={`Edit ${endpoint.url}`}
            initial={valuesOf(endpoint)}
            submitLabel="Save changes"
            busyLabel="Saving…"
            failure="Could not save the changes"
            onSubmit={save}
            onCancel={() => setEditing(false)}
          />
        </div>
      )}

      <TestEvent scope={scope} endpointId={endpoint.id} describedBy={headingId} />
      <SecretPanel scope={scope} endpointId={endpoint.id} describedBy={headingId} />

      <div className="space-y-2">
        <button
          type="button"
          aria-expanded={showLog}
          aria-controls={showLog ? logId : undefined}
          aria-describedby={headingId}
          onClick={() => setShowLog(!showLog)}
          className="text-sm text-indigo-700 underline"
        >
          {showLog ? "Hide delivery log" : "Show delivery log"}
        </button>
        {showLog && (
          <div id={logId}>
            <DeliveryLog
              scope={scope}
              endpointId={endpoint.id}
              endpointUrl={endpoint.url}
              endpointEnabled={endpoint.enabled}
              onNotice={onNotice}
            />
          </div>
        )}
      </div>
    </article>
  );
}
