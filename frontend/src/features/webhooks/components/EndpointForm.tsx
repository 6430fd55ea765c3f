import { useId, useRef, useState, type FormEvent } from "react";

import { buttonClass, Field, inputClass, primaryButtonClass } from "../../brief/components/Field";
import { endpointFormErrors } from "../messages";
import {
  DESCRIPTION_MAX_LENGTH,
  URL_MAX_LENGTH,
  validateEndpoint,
  type EndpointErrors,
  type EndpointField,
  type EndpointValues,
} from "../validation";
import { EventCheckboxes, firstEventCheckboxId } from "./EventCheckboxes";

const FIELD_ORDER: readonly EndpointField[] = ["url", "description", "events"];

interface EndpointFormProps {
  /** The form's accessible name: "Add an endpoint", "Edit endpoint". */
  label: string;
  initial: EndpointValues;
  submitLabel: string;
  busyLabel: string;
  /** What a refused save is prefixed with: "Could not add the endpoint". */
  failure: string;
  /** Resolves once saved; a rejection (the API's error) is shown at its field, input kept. */
  onSubmit: (values: EndpointValues) => Promise<unknown>;
  onCancel?: () => void;
}

/** URL, description and events of an endpoint, validated here and then by the server. */
export function EndpointForm({
  label,
  initial,
  submitLabel,
  busyLabel,
  failure,
  onSubmit,
  onCancel,
}: EndpointFormProps) {
  const base = useId();
  const ids = { url: `${base}-url`, description: `${base}-description`, events: `${base}-events` };
  const [values, setValues] = useState<EndpointValues>(initial);
  const [errors, setErrors] = useState<EndpointErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends EndpointField>(key: K, value: EndpointValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const focusFirstError = (found: EndpointErrors) => {
    const first = FIELD_ORDER.find((key) => found[key] !== undefined);
    if (first === undefined) return;
    const target = first === "events" ? firstEventCheckboxId(ids.events) : ids[first];
    formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(target)}`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    const found = validateEndpoint(values);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    setBusy(true);
    try {
      // On success the caller closes or replaces the form; the input is no longer needed.
      await onSubmit({ url: values.url.trim(), description: values.description.trim(), events: values.events });
    } catch (error) {
      const { fields, form } = endpointFormErrors(error, failure);
      setErrors(fields);
      setFormError(form);
      focusFirstError(fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} noValidate aria-label={label} onSubmit={(e) => void submit(e)} className="space-y-4">
      <Field
        id={ids.url}
        label="Endpoint URL"
        hint="Where Courzly sends a signed POST for each event, e.g. https://example.org/hooks/courzly."
        error={errors.url}
      >
        {(control) => (
          <input
            {...control}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            maxLength={URL_MAX_LENGTH}
            value={values.url}
            onChange={(e) => set("url", e.target.value)}
            className={inputClass}
          />
        )}
      </Field>
      <Field id={ids.description} label="Description (optional)" hint="What receives these events, for whoever reads this list." error={errors.description}>
        {(control) => (
          <input
            {...control}
            type="text"
            maxLength={DESCRIPTION_MAX_LENGTH}
            value={values.description}
            onChange={(e) => set("description", e.target.value)}
            className={inputClass}
          />
        )}
      </Field>
      <EventCheckboxes id={ids.events} chosen={values.events} error={errors.events} onChange={(events) => set("events", events)} />
      {formError !== null && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-red-800">
          {formError}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={busy} className={primaryButtonClass}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel !== undefined && (
          <button type="button" onClick={onCancel} className={buttonClass}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
