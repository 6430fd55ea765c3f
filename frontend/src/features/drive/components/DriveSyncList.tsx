import { useId } from "react";

import { formatDateTime } from "../../../lib/format";
import { dangerButtonClass } from "../../admin/components/ui";
import { formatLabel } from "../../exports/formats";
import type { DriveSync } from "../api/syncs";
import { SYNC_STATUS_LABELS, SYNC_STATUS_STYLES } from "../labels";

interface DriveSyncListProps {
  syncs: readonly DriveSync[];
  onStop: (sync: DriveSync) => void;
  /** The sync being stopped, if any. */
  stoppingId: string | null;
}

const cell = "px-4 py-2 align-top";
const header = "px-4 py-2 font-medium";

/** This user's Drive files of the course: where, how the last upload went, a link to each. */
export function DriveSyncList({ syncs, onStop, stoppingId }: DriveSyncListProps) {
  const noteId = useId();
  return (
    <div className="space-y-2">
      <p id={noteId} className="text-sm text-slate-600">
        Stopping a sync leaves the file in your Drive; Courzly just stops updating it. Syncing that format again makes a
        new file.
      </p>
      <div className="overflow-x-auto rounded-lg shadow">
        <table className="min-w-full divide-y divide-slate-200 bg-white text-left text-sm">
          <caption className="sr-only">Your Google Drive files of this course</caption>
          <thead className="bg-slate-100">
            <tr>
              <th scope="col" className={header}>
                Format
              </th>
              <th scope="col" className={header}>
                Folder
              </th>
              <th scope="col" className={header}>
                Status
              </th>
              <th scope="col" className={header}>
                File
              </th>
              <th scope="col" className={header}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {syncs.map((sync) => {
              const label = formatLabel(sync.format);
              return (
                <tr key={sync.id}>
                  <th scope="row" className={`${cell} font-medium`}>
                    {label}
                    {sync.keep_synced && (
                      <span className="ml-2 rounded-full border border-indigo-300 bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-900">
                        Kept up to date
                      </span>
                    )}
                  </th>
                  <td className={cell}>{sync.folder_name}</td>
                  <td className={cell}>
                    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${SYNC_STATUS_STYLES[sync.status]}`}>
                      {SYNC_STATUS_LABELS[sync.status]}
                    </span>
                    {sync.status === "synced" && sync.synced_at !== null && (
                      <span className="ml-2 text-slate-600">
                        <time dateTime={sync.synced_at}>{formatDateTime(sync.synced_at)}</time>
                      </span>
                    )}
                    {sync.status === "failed" && <p className="mt-1 text-red-800">{sync.error ?? "No reason was given."}</p>}
                  </td>
                  <td className={cell}>
                    {sync.web_link !== null ? (
                      <a href={sync.web_link} target="_blank" rel="noreferrer" className="break-all text-indigo-700 underline">
                        {sync.file_name ?? "Open in Drive"}
                        <span className="sr-only"> (opens Google Drive in a new tab)</span>
                      </a>
                    ) : (
                      <span className="text-slate-500">{sync.file_name ?? "—"}</span>
                    )}
                  </td>
                  <td className={cell}>
                    <button
                      type="button"
                      onClick={() => onStop(sync)}
                      disabled={stoppingId !== null}
                      aria-describedby={noteId}
                      className={dangerButtonClass}
                    >
                      {stoppingId === sync.id ? "Stopping…" : "Stop syncing"}
                      <span className="sr-only">
                        {" "}
                        {label} to {sync.folder_name}
                      </span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
