import { useId, useState, type FormEvent } from "react";

import { errorMessage } from "../../../api/errors";
import { NoticeArea, type Notice } from "../../admin/components/ui";
import { primaryButtonClass } from "../../brief/components/Field";
import { useSavePreferences, type Preference } from "../api/preferences";

type Choices = Record<string, boolean>;

function choicesOf(preferences: readonly Preference[]): Choices {
  return Object.fromEntries(preferences.map((p) => [p.kind, p.enabled]));
}

export const CRITICAL_NOTE =
  "Security mail cannot be turned off: it warns you when someone else may be using your account or a webhook stopped working.";

/** A checkbox per kind of mail; security kinds stay on. Saves only what the user may change. */
export function PreferencesForm({ preferences }: { preferences: readonly Preference[] }) {
  const base = useId();
  const criticalNoteId = `${base}-critical`;
  const [choices, setChoices] = useState<Choices>(() => choicesOf(preferences));
  const [outcome, setOutcome] = useState<Notice>(null);
  const save = useSavePreferences();

  const optional = preferences.filter((p) => !p.critical);
  const critical = preferences.filter((p) => p.critical);
  const changed = optional.some((p) => choices[p.kind] !== p.enabled);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    setOutcome(null);
    // Critical kinds are not sent: the server refuses any attempt to change them.
    const body = Object.fromEntries(optional.map((p) => [p.kind, choices[p.kind] ?? p.enabled]));
    save.mutate(
      { preferences: body },
      {
        onSuccess: (saved) => {
          setChoices(choicesOf(saved));
          setOutcome({ kind: "status", text: "Your notification settings are saved." });
        },
        onError: (error) => setOutcome({ kind: "error", text: `Could not save your settings: ${errorMessage(error)}` }),
      },
    );
  };

  return (
    <form noValidate aria-label="Notification settings" onSubmit={submit} className="space-y-6 rounded-lg bg-white p-4 shadow">
      <fieldset className="space-y-2">
        <legend className="text-lg font-semibold">E-mail me when…</legend>
        {optional.length === 0 && <p className="text-slate-600">There is no optional mail to choose.</p>}
        <ul className="space-y-2">
          {optional.map((p) => (
            <li key={p.kind} className="flex items-center gap-2">
              <input
                id={`${base}-${p.kind}`}
                type="checkbox"
                checked={choices[p.kind] ?? p.enabled}
                onChange={(e) => {
                  setChoices((c) => ({ ...c, [p.kind]: e.target.checked }));
                  setOutcome(null);
                }}
                className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
              />
              <label htmlFor={`${base}-${p.kind}`}>{p.label}</label>
            </li>
          ))}
        </ul>
      </fieldset>

      {critical.length > 0 && (
        <fieldset className="space-y-2" aria-describedby={criticalNoteId}>
          <legend className="text-lg font-semibold">Security mail</legend>
          <p id={criticalNoteId} className="text-sm text-slate-600">
            {CRITICAL_NOTE}
          </p>
          <ul className="space-y-2">
            {critical.map((p) => (
              <li key={p.kind} className="flex items-center gap-2">
                <input
                  id={`${base}-${p.kind}`}
                  type="checkbox"
                  checked
                  disabled
                  aria-describedby={criticalNoteId}
                  className="h-4 w-4 rounded border-slate-300 text-indigo-600 disabled:opacity-60"
                />
                <label htmlFor={`${base}-${p.kind}`} className="text-slate-700">
                  {p.label} <span className="text-sm text-slate-500">(always sent)</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}

      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" disabled={save.isPending} className={primaryButtonClass}>
          {save.isPending ? "Saving…" : "Save settings"}
        </button>
        {changed && !save.isPending && <p className="text-sm text-slate-600">You have unsaved changes.</p>}
      </div>
      <NoticeArea notice={outcome} />
    </form>
  );
}
