import { useState } from "react";

import { RevisionHistory, type HistoryProps } from "./RevisionHistory";

/** The lesson's versions, folded until asked for. */
export function HistorySection(props: HistoryProps) {
  const [showHistory, setShowHistory] = useState(false);
  return (
    <section aria-labelledby="history-heading" className="space-y-2 rounded-lg bg-white p-4 shadow">
      <div className="flex items-center justify-between">
        <h2 id="history-heading" className="text-lg font-semibold">
          History
        </h2>
        <button type="button" className="text-sm text-indigo-700 underline" aria-expanded={showHistory} onClick={() => setShowHistory(!showHistory)}>
          {showHistory ? "Hide versions" : "Show versions"}
        </button>
      </div>
      {showHistory && (
        <RevisionHistory {...props} />
      )}
    </section>
  );
}
