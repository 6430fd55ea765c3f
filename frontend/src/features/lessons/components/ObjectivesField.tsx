const input = "w-full rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50";
const small = "rounded border border-slate-300 bg-white px-2 py-0.5 text-sm hover:bg-slate-50";
const MAX = 10;

/** The lesson's objectives: one line each, added and removed in place. */
export function ObjectivesField({
  objectives,
  disabled,
  onChange,
}: {
  objectives: readonly string[];
  disabled: boolean;
  onChange: (objectives: string[]) => void;
}) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium text-slate-700">Objectives</legend>
      {objectives.map((objective, i) => (
        <div key={i} className="flex items-center gap-2">
          <input
            className={input}
            aria-label={`Objective ${i + 1}`}
            value={objective}
            disabled={disabled}
            onChange={(e) => onChange(objectives.map((o, n) => (n === i ? e.target.value : o)))}
          />
          {!disabled && objectives.length > 1 && (
            <button type="button" className={small} aria-label={`Remove objective ${i + 1}`} onClick={() => onChange(objectives.filter((_, n) => n !== i))}>
              Remove
            </button>
          )}
        </div>
      ))}
      {!disabled && objectives.length < MAX && (
        <button type="button" className={small} onClick={() => onChange([...objectives, ""])}>
          Add an objective
        </button>
      )}
    </fieldset>
  );
}
