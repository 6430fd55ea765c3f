import type { DriveSync, DriveSyncStatus } from "./api/syncs";

export const SYNC_STATUS_LABELS: Record<DriveSyncStatus, string> = {
  queued: "Queued",
  running: "Uploading",
  synced: "In Drive",
  failed: "Failed",
};

export const SYNC_STATUS_STYLES: Record<DriveSyncStatus, string> = {
  queued: "bg-slate-100 text-slate-800",
  running: "bg-amber-100 text-amber-900",
  synced: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

/** Still on the worker queue: the list has to be checked again. */
export function isSyncInProgress(sync: Pick<DriveSync, "status">): boolean {
  return sync.status === "queued" || sync.status === "running";
}

/** Said once wherever Drive folders are picked: why the list holds only Courzly's own folders. */
export const LEAST_PRIVILEGE_NOTE =
  "Courzly only sees the folders it created: it asks Google for access to its own files only (drive.file), never to the rest of your Drive.";
