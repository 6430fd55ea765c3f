import { useEffect, useRef, useState } from "react";

import { errorMessage } from "../../../api/errors";
import { buttonClass } from "../../brief/components/Field";
import { dangerButtonClass } from "../../admin/components/ui";
import { useDisconnectDrive } from "../api/connection";

/** Disconnect, asked twice: Courzly's access is revoked at Google and kept syncs stop. */
export function DisconnectDrive({ account, onDisconnected }: { account: string | null; onDisconnected: () => void }) {
  const disconnect = useDisconnectDrive();
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current) startRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  return (
    <div className="space-y-2">
      {confirming ? (
        <div role="group" aria-label="Confirm disconnecting Google Drive" className="flex flex-wrap items-center gap-2 text-sm">
          <span>
            Disconnect {account ?? "Google Drive"}? Courzly&apos;s access is revoked at Google and nothing more is sent
            there. Files already in your Drive stay.
          </span>
          <button
            ref={confirmRef}
            type="button"
            className={dangerButtonClass}
            onClick={() => {
              setConfirming(false);
              disconnect.mutate(undefined, { onSuccess: onDisconnected });
            }}
          >
            Yes, disconnect
          </button>
          <button type="button" className={buttonClass} onClick={() => setConfirming(false)}>
            Stay connected
          </button>
        </div>
      ) : (
        <button
          ref={startRef}
          type="button"
          disabled={disconnect.isPending}
          onClick={() => {
            disconnect.reset();
            setConfirming(true);
          }}
          className={dangerButtonClass}
        >
          {disconnect.isPending ? "Disconnecting…" : "Disconnect"}
        </button>
      )}
      {disconnect.isError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          Could not disconnect; Google Drive is still connected. {errorMessage(disconnect.error)}
        </p>
      )}
    </div>
  );
}
