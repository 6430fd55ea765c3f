import type { Lesson } from "../api/lessons";
import type { Draft } from "../useAutosave";
import { DiffView } from "./DiffView";

const button =
  "rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/** Someone saved first: what they changed against this draft, and the two ways on. */
export function ConflictView({
  theirs,
  mine,
  onKeepMine,
  onTakeTheirs,
}: {
  theirs: Lesson | null;
  mine: Draft;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  return (
    <section role="alert" aria-labelledby="conflict-heading" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id="conflict-heading" className="font-semibold text-amber-950">
        Someone else saved this lesson first
      </h2>
      <p className="text-amber-950">
        Saving has stopped so nothing is overwritten. Compare, then keep your text (it becomes the newest version; theirs
        stays in the history) or continue from theirs (your changes are dropped).
      </p>
      {theirs === null ? (
        <p>Their version could not be loaded; reload the page to see it.</p>
      ) : (
        <>
          {theirs.title !== mine.title && (
            <p className="text-sm">
              Their title: “{theirs.title}”; yours: “{mine.title}”.
            </p>
          )}
          <DiffView before={mine.content} after={theirs.content} label={`Their version ${theirs.version} against yours`} />
        </>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="button" className={`${button} bg-indigo-700 text-white hover:bg-indigo-800`} onClick={onKeepMine} disabled={theirs === null}>
          Keep my text
        </button>
        <button type="button" className={`${button} border border-slate-300 bg-white hover:bg-slate-50`} onClick={onTakeTheirs} disabled={theirs === null}>
          Continue from theirs
        </button>
      </div>
    </section>
  );
}
