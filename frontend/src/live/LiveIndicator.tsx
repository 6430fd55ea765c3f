import type { LiveStatus } from "./connection";
import { useLiveStatus } from "./context";

const LABELS: Record<LiveStatus, string> = {
  idle: "",
  connecting: "Connecting to live updates…",
  live: "Live",
  reconnecting: "Connection lost; reconnecting…",
  offline: "Live updates are off; reload the page to try again.",
};

const STYLES: Record<LiveStatus, string> = {
  idle: "",
  connecting: "bg-slate-100 text-slate-700",
  live: "bg-emerald-100 text-emerald-900",
  reconnecting: "bg-amber-100 text-amber-900",
  offline: "bg-red-100 text-red-900",
};

/** Whether what the page shows is live; a status region, so changes are announced. */
export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <p role="status" className="text-sm">
      {status !== "idle" && (
        <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 font-medium ${STYLES[status]}`}>
          {status === "live" && <span aria-hidden="true" className="h-2 w-2 rounded-full bg-emerald-600" />}
          {LABELS[status]}
        </span>
      )}
    </p>
  );
}
