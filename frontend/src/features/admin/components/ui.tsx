import { useEffect, useRef, useState, type ReactNode } from "react";

/** Small pieces shared by the admin screens, and by the webhook and Drive settings. */
export const selectClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-indigo-500 disabled:opacity-50";

/** A plain button the size of `dangerButtonClass`, to stand beside it. */
export const plainButtonClass =
  "rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

export const dangerButtonClass =
  "rounded-md border border-red-300 bg-white px-3 py-1 text-sm text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 disabled:opacity-50";

export type Notice = { kind: "status" | "error"; text: string } | null;

/**
 * One live region for a screen's outcomes: always in the DOM (so screen readers pick up
 * changes), polite for successes, assertive for failures.
 */
export function NoticeArea({ notice }: { notice: Notice }) {
  return (
    <>
      <div role="status" aria-live="polite" className="empty:hidden rounded-md bg-green-50 p-3 text-green-800">
        {notice?.kind === "status" ? notice.text : ""}
      </div>
      <div role="alert" aria-live="assertive" className="empty:hidden rounded-md bg-red-50 p-3 text-red-800">
        {notice?.kind === "error" ? notice.text : ""}
      </div>
    </>
  );
}

interface ConfirmActionProps {
  /** The button that asks first: "Delete", "Remove Alan from members". */
  label: string;
  /** The action is under way: the button is disabled and says `busyLabel`, if given. */
  busy: boolean;
  busyLabel?: string;
  describedBy?: string;
  /** Names the question for assistive technology: "Confirm deleting the endpoint". */
  groupLabel: string;
  /** What happens if the user goes on. */
  question: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  /** When the question opens, e.g. to clear an earlier failure. */
  onAsk?: () => void;
}

/**
 * A destructive action asked twice. The focus moves to "Yes, …" when the question opens
 * and back to the first button when it closes, so keyboard users never lose their place.
 */
export function ConfirmAction(props: ConfirmActionProps) {
  const { label, busy, busyLabel, describedBy, groupLabel, question, confirmLabel, cancelLabel, onConfirm, onAsk } = props;
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current) startRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  if (!confirming) {
    return (
      <button
        ref={startRef}
        type="button"
        disabled={busy}
        aria-describedby={describedBy}
        onClick={() => {
          onAsk?.();
          setConfirming(true);
        }}
        className={dangerButtonClass}
      >
        {busy && busyLabel !== undefined ? busyLabel : label}
      </button>
    );
  }
  return (
    <div role="group" aria-label={groupLabel} className="flex flex-wrap items-center gap-2 text-sm">
      <span>{question}</span>
      <button
        ref={confirmRef}
        type="button"
        disabled={busy}
        className={dangerButtonClass}
        onClick={() => {
          setConfirming(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className={plainButtonClass} onClick={() => setConfirming(false)}>
        {cancelLabel}
      </button>
    </div>
  );
}
