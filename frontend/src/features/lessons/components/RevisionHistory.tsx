import { useState } from "react";

import { errorMessage } from "../../../api/errors";
import { formatDateTime } from "../../../lib/format";
import { useRevisions, type Revision } from "../api/lessons";
import type { Draft } from "../useAutosave";
import { DiffView } from "./DiffView";

const SOURCES: Record<string, string> = {
  human: "edited by a person",
  ai: "written by AI",
  restore: "restored",
};

const button =
  "rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

export interface HistoryProps {
  courseId: string;
  lessonId: string;
  current: Draft;
  canRestore: boolean;
  onRestore: (revision: Revision) => void;
}

/** Every saved version, newest first; one chosen shows its diff with the text now. */
export function RevisionHistory({ courseId, lessonId, current, canRestore, onRestore }: HistoryProps) {
  const revisions = useRevisions(courseId, lessonId);
  const [chosen, setChosen] = useState<number | null>(null);
  if (revisions.isPending) return <p className="text-slate-600">Loading the history…</p>;
  if (revisions.isError) return <p role="alert">Could not load the history: {errorMessage(revisions.error)}</p>;
  const newestFirst = [...revisions.data].sort((a, b) => b.version - a.version);
  const selected = newestFirst.find((r) => r.version === chosen);
  return (
    <div className="space-y-3">
      <ol className="space-y-1">
        {newestFirst.map((revision) => (
          <li key={revision.id}>
            <button
              type="button"
              aria-pressed={revision.version === chosen}
              onClick={() => setChosen(revision.version === chosen ? null : revision.version)}
              className="w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-pressed:bg-indigo-50"
            >
              Version {revision.version}, {SOURCES[revision.source] ?? revision.source},{" "}
              <time dateTime={revision.created_at}>{formatDateTime(revision.created_at)}</time>
            </button>
          </li>
        ))}
      </ol>
      {selected !== undefined && (
        <div className="space-y-2">
          <DiffView
            before={current.content}
            after={selected.content}
            label={`What restoring version ${selected.version} would change`}
          />
          {selected.title !== current.title && (
            <p className="text-sm">
              Its title was “{selected.title}”.
            </p>
          )}
          {canRestore && (
            <button type="button" className={button} onClick={() => onRestore(selected)}>
              Restore version {selected.version}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
