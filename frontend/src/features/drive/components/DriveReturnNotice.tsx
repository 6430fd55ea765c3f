import { useDriveReturn } from "../returnParams";

const dismissClass = "text-sm underline";

/** The banner after Google sent the browser back: connected, or why not. */
export function DriveReturnNotice() {
  const [outcome, dismiss] = useDriveReturn();
  if (outcome === null) return null;
  if (outcome.kind === "connected") {
    return (
      <div role="status" className="flex flex-wrap items-start justify-between gap-2 rounded-md bg-green-50 p-3 text-green-800">
        <p>Google Drive is connected. Choose the folder your exports go to below.</p>
        <button type="button" onClick={dismiss} className={dismissClass}>
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <div role="alert" className="flex flex-wrap items-start justify-between gap-2 rounded-md bg-red-50 p-3 text-red-800">
      <p>
        Google Drive was not connected: {outcome.reason !== "" ? outcome.reason : "Google did not finish the sign-in."}
      </p>
      <button type="button" onClick={dismiss} className={dismissClass}>
        Dismiss
      </button>
    </div>
  );
}
