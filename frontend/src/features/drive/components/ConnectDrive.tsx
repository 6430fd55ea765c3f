import { errorMessage } from "../../../api/errors";
import { primaryButtonClass } from "../../brief/components/Field";
import { useConnectDrive } from "../api/connection";
import { openAuthorizationPage } from "../navigation";

/** Asks the API for Google's consent page and goes there (a full page load, not a popup). */
export function ConnectDrive({ label, onStart }: { label: string; onStart?: () => void }) {
  const connect = useConnectDrive();
  const busy = connect.isPending;
  return (
    <div className="space-y-2">
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          onStart?.();
          connect.mutate(undefined, { onSuccess: (started) => openAuthorizationPage(started.authorization_url) });
        }}
        className={primaryButtonClass}
      >
        {busy ? "Opening Google…" : label}
      </button>
      {connect.isError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          Could not connect Google Drive: {errorMessage(connect.error)}
        </p>
      )}
    </div>
  );
}
