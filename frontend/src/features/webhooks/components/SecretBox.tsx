import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import { buttonClass } from "../../brief/components/Field";

type CopyState = "idle" | "copied" | "failed";

interface SecretBoxProps {
  label: string;
  secret: string;
  /** Says what to do with it now (store it, switch receivers by a date …). */
  children: ReactNode;
  /** Move focus here when it appears: it replaced what the user was working on. */
  focusOnShow?: boolean;
}

/** A signing secret in a read-only box with a Copy button and a note about keeping it. */
export function SecretBox({ label, secret, children, focusOnShow = false }: SecretBoxProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>("idle");

  useEffect(() => {
    if (focusOnShow) inputRef.current?.focus();
  }, [focusOnShow]);

  const copyToClipboard = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // No clipboard (plain http, a refused permission): leave it selected for Ctrl+C.
      inputRef.current?.select();
      setCopy("failed");
    }
  };

  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          ref={inputRef}
          id={id}
          type="text"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={noteId}
          onFocus={(e) => e.target.select()}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm focus:outline-none focus:ring-2 focus:ring-indigo-500"
        />
        <button type="button" onClick={() => void copyToClipboard()} className={buttonClass}>
          Copy
        </button>
      </div>
      <div id={noteId} className="text-sm text-amber-950">
        {children}
      </div>
      <p role="status" className="text-sm text-slate-700 empty:hidden">
        {copy === "copied"
          ? "Copied to the clipboard."
          : copy === "failed"
            ? "Could not copy automatically: the secret is selected, press Ctrl+C (⌘C on a Mac)."
            : ""}
      </p>
    </div>
  );
}
