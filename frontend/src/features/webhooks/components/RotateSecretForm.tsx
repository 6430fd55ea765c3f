import { useEffect, useId, useRef, useState, type FormEvent } from "react";

import { buttonClass, Field, inputClass, primaryButtonClass } from "../../brief/components/Field";
import { KEEP_PREVIOUS_HOURS_DEFAULT, KEEP_PREVIOUS_HOURS_MAX } from "../api/secrets";

interface RotateSecretFormProps {
  busy: boolean;
  onRotate: (keepPreviousHours: number) => void;
  onCancel: () => void;
}

function parseHours(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const hours = Number(text.trim());
  return hours <= KEEP_PREVIOUS_HOURS_MAX ? hours : null;
}

/** How long the old secret keeps signing beside the new one, then rotate. */
export function RotateSecretForm({ busy, onRotate, onCancel }: RotateSecretFormProps) {
  const id = useId();
  const [hours, setHours] = useState(String(KEEP_PREVIOUS_HOURS_DEFAULT));
  const [error, setError] = useState<string | undefined>(undefined);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => inputRef.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseHours(hours);
    if (parsed === null) {
      setError(`Enter a whole number of hours from 0 to ${KEEP_PREVIOUS_HOURS_MAX} (a week).`);
      inputRef.current?.focus();
      return;
    }
    setError(undefined);
    onRotate(parsed);
  };

  return (
    <form noValidate aria-label="Rotate the secret" onSubmit={submit} className="space-y-3 rounded-md border border-slate-200 p-3">
      <p className="text-sm text-slate-700">
        A new secret signs every message from now on. During the overlap the previous secret signs them too (the{" "}
        <code>webhook-signature</code> header carries both), so receivers keep verifying while you switch them to the new
        one. With 0 hours the old secret stops at once and receivers reject messages until they have the new one.
      </p>
      <Field
        id={`${id}-hours`}
        label="Keep the previous secret for (hours)"
        hint={`0 to ${KEEP_PREVIOUS_HOURS_MAX}; ${KEEP_PREVIOUS_HOURS_DEFAULT} gives a day to update receivers.`}
        error={error}
      >
        {(control) => (
          <input
            {...control}
            ref={inputRef}
            type="number"
            inputMode="numeric"
            min={0}
            max={KEEP_PREVIOUS_HOURS_MAX}
            step={1}
            value={hours}
            onChange={(e) => {
              setHours(e.target.value);
              setError(undefined);
            }}
            className={`${inputClass} max-w-32`}
          />
        )}
      </Field>
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={busy} className={primaryButtonClass}>
          {busy ? "Rotating…" : "Rotate now"}
        </button>
        <button type="button" onClick={onCancel} className={buttonClass}>
          Cancel
        </button>
      </div>
    </form>
  );
}
