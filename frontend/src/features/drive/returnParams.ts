import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

/** What the API's OAuth callback reported, from `?drive=connected` or `?drive=error&reason=…`. */
export type DriveReturn = { kind: "connected" } | { kind: "error"; reason: string } | null;

const PARAMS = ["drive", "reason"] as const;

export function parseDriveReturn(params: URLSearchParams): DriveReturn {
  const drive = params.get("drive");
  if (drive === "connected") return { kind: "connected" };
  if (drive === "error") return { kind: "error", reason: params.get("reason")?.trim() ?? "" };
  return null;
}

/**
 * Reads the callback's outcome once, then takes it out of the URL (replacing the history
 * entry), so a reload or a shared link does not announce it again.
 */
export function useDriveReturn(): [DriveReturn, () => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const [outcome, setOutcome] = useState<DriveReturn>(() => parseDriveReturn(searchParams));
  const present = PARAMS.some((name) => searchParams.has(name));

  useEffect(() => {
    if (!present) return;
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const name of PARAMS) next.delete(name);
        return next;
      },
      { replace: true },
    );
  }, [present, setSearchParams]);

  return [outcome, () => setOutcome(null)];
}
