import { errorMessage } from "../api/errors";

export const retryButton = "mt-2 rounded-md border border-red-300 bg-white px-3 py-1 text-sm";

/** "Could not load {what}: {reason}", with a way to try again. */
export function LoadFailed({ what, error, onRetry }: { what: string; error: unknown; onRetry: () => void }) {
  return (
    <div role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
      <p>
        Could not load {what}: {errorMessage(error)}
      </p>
      <button type="button" onClick={onRetry} className={retryButton}>
        Try again
      </button>
    </div>
  );
}
