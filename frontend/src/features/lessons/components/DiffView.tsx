import { lineDiff } from "../textDiff";

const STYLES = {
  added: "bg-emerald-50 text-emerald-950",
  removed: "bg-red-50 text-red-950 line-through decoration-red-400",
  same: "text-slate-600",
} as const;
const MARKS = { added: "+", removed: "−", same: " " } as const;
const SPOKEN = { added: "added: ", removed: "removed: ", same: "" } as const;

/** `after` against `before`, line by line; added and removed lines say so to screen readers. */
export function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = lineDiff(before, after);
  const changes = lines.filter((l) => l.kind !== "same").length;
  return (
    <figure className="space-y-1">
      <figcaption className="text-sm text-slate-700">
        {label}: {changes === 0 ? "no difference" : `${changes} changed ${changes === 1 ? "line" : "lines"}`}
      </figcaption>
      <div tabIndex={0} aria-label={label} className="max-h-96 overflow-auto rounded border border-slate-200 font-mono text-sm">
        {lines.map((line, i) => (
          <div key={i} className={`whitespace-pre-wrap px-2 ${STYLES[line.kind]}`}>
            <span aria-hidden="true" className="mr-2 select-none">
              {MARKS[line.kind]}
            </span>
            <span className="sr-only">{SPOKEN[line.kind]}</span>
            {line.text || " "}
          </div>
        ))}
      </div>
    </figure>
  );
}
