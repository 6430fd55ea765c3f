import { errorMessage } from "../../../api/errors";
import { DiffView } from "../../lessons/components/DiffView";
import type { Lesson } from "../../lessons/api/lessons";
import { useDecideSuggestion, useProposed } from "../api/chat";

const button = "rounded-md px-3 py-1 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/** Edits the AI proposed for this lesson, each as a diff against the text it was based on. */
export function ProposedEdits({
  courseId,
  lesson,
  mayEdit,
  onAccepted,
}: {
  courseId: string;
  lesson: Lesson;
  mayEdit: boolean;
  onAccepted: (lesson: Lesson) => void;
}) {
  const proposed = useProposed(courseId, lesson.id);
  const decide = useDecideSuggestion(courseId, lesson.id);
  if (proposed.data === undefined || proposed.data.length === 0) return null;
  return (
    <section aria-labelledby="proposals-heading" className="space-y-3">
      <h3 id="proposals-heading" className="font-semibold">
        Proposed edits
      </h3>
      {decide.isError && (
        <p role="alert" className="text-sm text-red-800">
          {errorMessage(decide.error)}
        </p>
      )}
      {proposed.data.map((suggestion) => (
        <div key={suggestion.id} className="space-y-2 rounded-md bg-white p-2 shadow-sm">
          {suggestion.base_version === lesson.version ? (
            <DiffView before={lesson.content} after={suggestion.content} label="Proposed edit of the lesson" />
          ) : (
            <>
              <p className="text-sm text-amber-900">
                The lesson changed since version {suggestion.base_version}, which this edit was proposed for: it can
                only be rejected. What it changed then:
              </p>
              <pre tabIndex={0} className="max-h-60 overflow-auto rounded bg-slate-50 p-2 text-xs">
                {suggestion.diff}
              </pre>
            </>
          )}
          {mayEdit && (
            <div className="flex gap-2">
              <button
                type="button"
                className={`${button} bg-emerald-700 text-white hover:bg-emerald-800 disabled:opacity-50`}
                disabled={decide.isPending || suggestion.base_version !== lesson.version}
                onClick={() =>
                  decide.mutate(
                    { id: suggestion.id, accept: true },
                    { onSuccess: (accepted) => accepted !== null && onAccepted(accepted.lesson as Lesson) },
                  )
                }
              >
                Accept the edit
              </button>
              <button
                type="button"
                className={`${button} border border-slate-300 bg-white hover:bg-slate-50`}
                disabled={decide.isPending}
                onClick={() => decide.mutate({ id: suggestion.id, accept: false })}
              >
                Reject
              </button>
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
