import { formatDateTime } from "../../../lib/format";
import type { ExportRead } from "../api/exports";
import { formatLabel } from "../formats";
import { EXPORT_STATUS_LABELS, EXPORT_STATUS_STYLES, formatSize, isExportStatus } from "../status";

interface ExportTableProps {
  exports: readonly ExportRead[];
  onDownload: (exp: ExportRead) => void;
  /** The export whose link is being fetched, if any. */
  downloadingId: string | null;
  /** How far running exports are, from live progress events: percent by export id. */
  progress?: ReadonlyMap<string, number>;
  /** Given when Google Drive is connected: adds a "Sync to Drive" action to ready exports. */
  onSyncToDrive?: (exp: ExportRead) => void;
}

const cell = "px-4 py-2 align-top";
const actionButton =
  "rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

export function ExportTable({ exports, onDownload, downloadingId, progress, onSyncToDrive }: ExportTableProps) {
  return (
    <table className="min-w-full divide-y divide-slate-200 bg-white text-left text-sm">
      <caption className="sr-only">Earlier exports, newest first</caption>
      <thead className="bg-slate-100">
        <tr>
          <th scope="col" className="px-4 py-2 font-medium">
            Format
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Requested
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Status
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Size
          </th>
          <th scope="col" className="px-4 py-2 font-medium">
            Download
          </th>
          {onSyncToDrive !== undefined && (
            <th scope="col" className="px-4 py-2 font-medium">
              Google Drive
            </th>
          )}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {exports.map((exp) => {
          const label = formatLabel(exp.format);
          const requested = formatDateTime(exp.created_at);
          return (
            <tr key={exp.id}>
              <th scope="row" className={`${cell} font-medium`}>
                {label}
                {exp.is_draft && (
                  <span className="ml-2 rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900">
                    Draft
                  </span>
                )}
              </th>
              <td className={`${cell} text-slate-600`}>
                <time dateTime={exp.created_at}>{requested}</time>
              </td>
              <td className={cell}>
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${
                    isExportStatus(exp.status) ? EXPORT_STATUS_STYLES[exp.status] : "bg-slate-100 text-slate-800"
                  }`}
                >
                  {isExportStatus(exp.status) ? EXPORT_STATUS_LABELS[exp.status] : exp.status}
                </span>
                {exp.status === "failed" && (
                  <p className="mt-1 text-red-800">{exp.error ?? "No reason was given."}</p>
                )}
                {exp.status === "running" && progress?.get(exp.id) !== undefined && (
                  <progress
                    className="ml-2 h-2 w-24 align-middle"
                    max={100}
                    value={progress.get(exp.id)}
                    aria-label={`${label} export progress`}
                  />
                )}
              </td>
              <td className={`${cell} tabular-nums`}>{formatSize(exp.size_bytes)}</td>
              <td className={cell}>
                {exp.status === "succeeded" ? (
                  <button
                    type="button"
                    onClick={() => onDownload(exp)}
                    disabled={downloadingId !== null}
                    className={actionButton}
                  >
                    {downloadingId === exp.id ? "Preparing…" : "Download"}
                    <span className="sr-only">
                      {" "}
                      {label} from {requested}
                    </span>
                  </button>
                ) : (
                  <span className="text-slate-500">—</span>
                )}
              </td>
              {onSyncToDrive !== undefined && (
                <td className={cell}>
                  {exp.status === "succeeded" ? (
                    <button type="button" onClick={() => onSyncToDrive(exp)} className={actionButton}>
                      Sync to Drive
                      <span className="sr-only">
                        {" "}
                        ({label} from {requested})
                      </span>
                    </button>
                  ) : (
                    <span className="text-slate-500">—</span>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
