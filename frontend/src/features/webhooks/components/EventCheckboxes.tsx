import { describedBy } from "../../brief/components/Field";
import type { WebhookEvent } from "../api/endpoints";
import { EVENT_LABELS, WEBHOOK_EVENTS } from "../labels";

interface EventCheckboxesProps {
  /** Prefix of the ids; the first checkbox is `${id}-${first event}`, for focusing on error. */
  id: string;
  chosen: readonly WebhookEvent[];
  error: string | undefined;
  onChange: (events: WebhookEvent[]) => void;
}

export function firstEventCheckboxId(id: string): string {
  return `${id}-${WEBHOOK_EVENTS[0]!}`;
}

/** The events an endpoint subscribes to: a checkbox each, at least one required. */
export function EventCheckboxes({ id, chosen, error, onChange }: EventCheckboxesProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const toggle = (event: WebhookEvent, on: boolean) =>
    onChange(WEBHOOK_EVENTS.filter((e) => (e === event ? on : chosen.includes(e))));

  return (
    <fieldset aria-describedby={describedBy(error !== undefined && errorId, hintId)}>
      <legend className="text-sm font-medium">Events</legend>
      <p id={hintId} className="text-xs text-slate-600">
        Choose at least one; the endpoint is sent only these.
      </p>
      <ul className="mt-2 grid gap-2 sm:grid-cols-2">
        {WEBHOOK_EVENTS.map((event) => {
          const boxId = `${id}-${event}`;
          return (
            <li key={event} className="flex items-center gap-2">
              <input
                id={boxId}
                type="checkbox"
                checked={chosen.includes(event)}
                onChange={(e) => toggle(event, e.target.checked)}
                aria-invalid={error !== undefined}
                className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
              />
              <label htmlFor={boxId}>
                {EVENT_LABELS[event]} <code className="text-xs text-slate-500">{event}</code>
              </label>
            </li>
          );
        })}
      </ul>
      {error !== undefined && (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
