import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { formatDateTime } from "../../../lib/format";
import { buttonClass, primaryButtonClass } from "../../brief/components/Field";
import type { ExportRead } from "../../exports/api/exports";
import { formatLabel } from "../../exports/formats";
import type { DriveStatus } from "../api/connection";
import { useSyncToDrive, type DriveSync } from "../api/syncs";
import { isSettingsProblem } from "../messages";

export const SETTINGS_PATH = "/settings/integrations";

interface SyncToDriveFormProps {
  courseId: string;
  exp: ExportRead;
  status: DriveStatus | undefined;
  onSynced: (sync: DriveSync) => void;
  onCancel: () => void;
}

/** Sends one finished export to the default Drive folder, optionally keeping that file current. */
export function SyncToDriveForm({ courseId, exp, status, onSynced, onCancel }: SyncToDriveFormProps) {
  const id = useId();
  const sync = useSyncToDrive(courseId);
  const [keepSynced, setKeepSynced] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const label = formatLabel(exp.format);
  const folderId = status?.folder_id ?? null;
  const folderName = status?.folder_name ?? folderId;

  // Opened from a button in the table above: take the focus here.
  useEffect(() => headingRef.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (sync.isPending || folderId === null) return;
    sync.mutate(
      // The folder named here is the one shown, even if the default changes meanwhile.
      { exportId: exp.id, body: { folder_id: folderId, keep_synced: keepSynced } },
      { onSuccess: onSynced },
    );
  };

  return (
    <form
      noValidate
      aria-labelledby={`${id}-heading`}
      onSubmit={submit}
      className="space-y-3 rounded-lg border border-indigo-200 bg-white p-4 shadow"
    >
      <h3 id={`${id}-heading`} ref={headingRef} tabIndex={-1} className="text-lg font-semibold focus:outline-none">
        Sync the {label} export of {formatDateTime(exp.created_at)} to Google Drive
      </h3>
      {folderId === null ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
          No Drive folder is chosen for exports yet.{" "}
          <Link to={SETTINGS_PATH} className="font-medium underline">
            Choose one in Integrations settings
          </Link>
          .
        </p>
      ) : (
        <p className="text-slate-700">
          Folder: <span className="font-medium">{folderName}</span>{" "}
          <span className="text-sm text-slate-600">
            (your default;{" "}
            <Link to={SETTINGS_PATH} className="underline">
              change it in Integrations settings
            </Link>
            ). If this format is already there, that file is updated in place.
          </span>
        </p>
      )}
      <div className="flex items-start gap-2">
        <input
          id={`${id}-keep`}
          type="checkbox"
          checked={keepSynced}
          onChange={(e) => setKeepSynced(e.target.checked)}
          aria-describedby={`${id}-keep-hint`}
          className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
        />
        <div>
          <label htmlFor={`${id}-keep`}>Keep this file up to date with later exports of this format</label>
          <p id={`${id}-keep-hint`} className="text-sm text-slate-600">
            Each new {label} export of this course then replaces the file in Drive.
          </p>
        </div>
      </div>
      {sync.isError && (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          <p>Could not sync to Google Drive: {errorMessage(sync.error)}</p>
          {isSettingsProblem(sync.error) && (
            <Link to={SETTINGS_PATH} className="font-medium underline">
              Open Integrations settings
            </Link>
          )}
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={sync.isPending || folderId === null} className={primaryButtonClass}>
          {sync.isPending ? "Sending…" : "Send to Drive"}
        </button>
        <button type="button" onClick={onCancel} className={buttonClass}>
          Cancel
        </button>
      </div>
    </form>
  );
}
