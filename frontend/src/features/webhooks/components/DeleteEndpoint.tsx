import { useEffect, useRef, useState } from "react";

import { buttonClass } from "../../brief/components/Field";
import { dangerButtonClass } from "../../admin/components/ui";

interface DeleteEndpointProps {
  busy: boolean;
  describedBy: string;
  onDelete: () => void;
}

/** Delete, asked twice: the endpoint's queued messages go with it. */
export function DeleteEndpoint({ busy, describedBy, onDelete }: DeleteEndpointProps) {
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current) deleteRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  if (!confirming) {
    return (
      <button
        ref={deleteRef}
        type="button"
        disabled={busy}
        aria-describedby={describedBy}
        onClick={() => setConfirming(true)}
        className={dangerButtonClass}
      >
        {busy ? "Deleting…" : "Delete"}
      </button>
    );
  }
  return (
    <div role="group" aria-label="Confirm deleting the endpoint" className="flex flex-wrap items-center gap-2 text-sm">
      <span>Delete this endpoint? Its queued messages are dropped, and its log goes with it.</span>
      <button
        ref={confirmRef}
        type="button"
        className={dangerButtonClass}
        onClick={() => {
          setConfirming(false);
          onDelete();
        }}
      >
        Yes, delete it
      </button>
      <button type="button" className={buttonClass} onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </div>
  );
}
