import type { ExportRead } from "./api/exports";

// The API types `status` as a plain string (app/exports/models.py ExportStatus has four).
export type ExportStatus = "queued" | "running" | "succeeded" | "failed";

export const EXPORT_STATUS_LABELS: Record<ExportStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Ready",
  failed: "Failed",
};

export const EXPORT_STATUS_STYLES: Record<ExportStatus, string> = {
  queued: "bg-slate-100 text-slate-800",
  running: "bg-amber-100 text-amber-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

export function isExportStatus(value: string): value is ExportStatus {
  return Object.hasOwn(EXPORT_STATUS_LABELS, value);
}

/** Still on the worker queue: the list has to be checked again. */
export function isInProgress(exp: Pick<ExportRead, "status">): boolean {
  return exp.status === "queued" || exp.status === "running";
}

const sizeFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

/** 1024-based, in KB below a megabyte and MB above. */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return "—";
  const kb = bytes / 1024;
  if (kb < 1024) return `${sizeFormat.format(kb)} KB`;
  return `${sizeFormat.format(kb / 1024)} MB`;
}
