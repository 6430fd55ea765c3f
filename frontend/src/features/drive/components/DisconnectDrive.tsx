import { errorMessage } from "../../../api/errors";
import { ConfirmAction } from "../../admin/components/ui";
import { useDisconnectDrive } from "../api/connection";

/** Disconnect, asked twice: Courzly's access is revoked at Google and kept syncs stop. */
export function DisconnectDrive({ account, onDisconnected }: { account: string | null; onDisconnected: () => void }) {
  const disconnect = useDisconnectDrive();
  return (
    <div className="space-y-2">
      <ConfirmAction
        label="Disconnect"
        busy={disconnect.isPending}
        busyLabel="Disconnecting…"
        groupLabel="Confirm disconnecting Google Drive"
        question={`Disconnect ${account ?? "Google Drive"}? Courzly's access is revoked at Google and nothing more is sent there. Files already in your Drive stay.`}
        confirmLabel="Yes, disconnect"
        cancelLabel="Stay connected"
        onAsk={() => disconnect.reset()}
        onConfirm={() => disconnect.mutate(undefined, { onSuccess: onDisconnected })}
      />
      {disconnect.isError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          Could not disconnect; Google Drive is still connected. {errorMessage(disconnect.error)}
        </p>
      )}
    </div>
  );
}
