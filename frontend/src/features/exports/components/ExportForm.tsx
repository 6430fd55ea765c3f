import { useId, useState, type FormEvent } from "react";

import { errorMessage } from "../../../api/errors";
import { useRequestExports } from "../api/exports";
import { formatDescription, formatLabel, orderFormats } from "../formats";

const button =
  "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-50";

/** The format picker and the Export button: one POST per chosen format. */
export function ExportForm({ courseId, formats }: { courseId: string; formats: readonly string[] }) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const request = useRequestExports(courseId);
  const idPrefix = useId();
  const ordered = orderFormats(formats);

  const toggle = (format: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(format);
      else next.delete(format);
      return next;
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen.size === 0 || request.isPending) return;
    // Catalogue order, so requests and messages do not depend on the order of the clicks.
    request.mutate(
      ordered.filter((f) => chosen.has(f)),
      {
        // Refused formats stay ticked so they can be tried again.
        onSuccess: ({ failed }) => setChosen(new Set(failed.map((f) => f.format))),
      },
    );
  };

  const outcome = request.data;

  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg bg-white p-4 shadow">
      <fieldset>
        <legend className="text-lg font-semibold">Formats</legend>
        <p className="text-sm text-slate-600">Choose one or more; each becomes its own export.</p>
        <ul className="mt-3 grid gap-3 sm:grid-cols-2">
          {ordered.map((format) => {
            const id = `${idPrefix}-${format}`;
            const description = formatDescription(format);
            return (
              <li key={format} className="flex items-start gap-2">
                <input
                  id={id}
                  type="checkbox"
                  checked={chosen.has(format)}
                  onChange={(e) => toggle(format, e.target.checked)}
                  aria-describedby={description !== null ? `${id}-description` : undefined}
                  className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                />
                <div>
                  <label htmlFor={id} className="font-medium">
                    {formatLabel(format)}
                  </label>
                  {description !== null && (
                    <p id={`${id}-description`} className="text-sm text-slate-600">
                      {description}
                    </p>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      </fieldset>

      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" className={button} disabled={chosen.size === 0 || request.isPending}>
          {request.isPending ? "Exporting…" : "Export"}
        </button>
        {chosen.size === 0 && !request.isPending && (
          <p className="text-sm text-slate-600">Choose at least one format.</p>
        )}
      </div>

      {request.isError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          Could not request the export: {errorMessage(request.error)}
        </p>
      )}
      {outcome !== undefined && outcome.failed.length > 0 && (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          <p>{outcome.failed.length === 1 ? "One export was refused:" : "Some exports were refused:"}</p>
          <ul className="list-disc pl-5">
            {outcome.failed.map(({ format, error }) => (
              <li key={format}>
                {formatLabel(format)}: {errorMessage(error)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {outcome !== undefined && outcome.created.length > 0 && (
        <p role="status" className="text-sm text-emerald-800">
          {outcome.created.length === 1 ? "1 export queued." : `${outcome.created.length} exports queued.`} It
          appears in the list below when ready.
        </p>
      )}
    </form>
  );
}
