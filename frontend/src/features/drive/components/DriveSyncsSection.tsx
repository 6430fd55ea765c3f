import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "react-router-dom";

import { LoadFailed } from "../../../components/LoadFailed";
import { useCourseEvents } from "../../../live/context";
import type { Notice } from "../../admin/components/ui";
import type { ExportRead } from "../../exports/api/exports";
import { formatLabel } from "../../exports/formats";
import { useDriveStatus, type DriveStatus } from "../api/connection";
import { driveSyncKeys, useDriveSyncs, useStopDriveSync, type DriveSync } from "../api/syncs";
import { isSyncInProgress } from "../labels";
import { describeDriveError } from "../messages";
import { DriveNotice } from "./DriveNotice";
import { DriveSyncList } from "./DriveSyncList";
import { SETTINGS_PATH, SyncToDriveForm } from "./SyncToDriveForm";

interface DriveSyncsSectionProps {
  courseId: string;
  /** The export whose "Sync to Drive" was pressed, if any. */
  target: ExportRead | null;
  onTargetDone: () => void;
}

/** "Google Drive" on the exports page: how to connect, the sync form, and this user's Drive files. */
export function DriveSyncsSection({ courseId, target, onTargetDone }: DriveSyncsSectionProps) {
  const headingId = useId();
  const queryClient = useQueryClient();
  const status = useDriveStatus();
  const syncs = useDriveSyncs(courseId);
  const stop = useStopDriveSync(courseId);
  const [notice, setNotice] = useState<Notice>(null);

  // A finished export is sent on to every file kept in sync with its format: look again.
  useCourseEvents(
    courseId,
    (event) => {
      if (event.type === "export.ready") void queryClient.invalidateQueries({ queryKey: driveSyncKeys.list(courseId) });
    },
    () => void queryClient.invalidateQueries({ queryKey: driveSyncKeys.list(courseId) }),
  );

  const onStop = (sync: DriveSync) => {
    setNotice(null);
    const what = `${formatLabel(sync.format)} in “${sync.folder_name}”`;
    stop.mutate(sync, {
      onSuccess: () =>
        setNotice({ kind: "status", text: `Stopped syncing ${what}. The file stays in your Google Drive.` }),
      onError: (error) => setNotice({ kind: "error", text: describeDriveError(error, `Could not stop syncing ${what}`) }),
    });
  };

  const onSynced = (sync: DriveSync) => {
    setNotice({
      kind: "status",
      text: `The ${formatLabel(sync.format)} export is on its way to “${sync.folder_name}”; its progress shows below.`,
    });
    onTargetDone();
  };

  // A server without Google has nothing to offer here, unless files were synced before.
  const hasSyncs = (syncs.data?.length ?? 0) > 0;
  if (status.data?.configured !== true && !hasSyncs && !syncs.isError && target === null) return null;
  const running = syncs.data?.filter(isSyncInProgress).length ?? 0;

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h2 id={headingId} className="text-xl font-semibold">
        Google Drive
      </h2>
      {status.data !== undefined && <ConnectionLine status={status.data} />}
      {target !== null && (
        <SyncToDriveForm
          key={target.id}
          courseId={courseId}
          exp={target}
          status={status.data}
          onSynced={onSynced}
          onCancel={onTargetDone}
        />
      )}
      <DriveNotice notice={notice} />
      {running > 0 && (
        <p role="status" className="text-sm text-slate-600">
          {running === 1 ? "1 file is" : `${running} files are`} on the way to Drive; this list updates by itself.
        </p>
      )}
      {syncs.isPending ? (
        <p role="status" className="text-slate-600">
          Loading your Drive files…
        </p>
      ) : syncs.isError ? (
        <LoadFailed what="your Drive files" error={syncs.error} onRetry={() => void syncs.refetch()} />
      ) : syncs.data.length === 0 ? (
        <p className="text-slate-600">No export of this course is in your Drive yet.</p>
      ) : (
        <DriveSyncList syncs={syncs.data} onStop={onStop} stoppingId={stop.isPending ? stop.variables.id : null} />
      )}
    </section>
  );
}

/** Whether exports can go to Drive now, and if not, where to fix that. */
function ConnectionLine({ status }: { status: DriveStatus }) {
  if (!status.configured) return null;
  if (status.needs_reconnect) {
    return (
      <p role="note" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
        Google no longer accepts Courzly&apos;s access to your Drive, so nothing is sent there.{" "}
        <Link to={SETTINGS_PATH} className="font-medium underline">
          Connect Google Drive again
        </Link>
        .
      </p>
    );
  }
  if (!status.connected) {
    return (
      <p className="text-slate-700">
        <Link to={SETTINGS_PATH} className="text-indigo-700 underline">
          Connect Google Drive
        </Link>{" "}
        to send finished exports there.
      </p>
    );
  }
  return (
    <p className="text-slate-700">
      Use “Sync to Drive” on a ready export above to send it to{" "}
      {status.folder_name != null ? <span className="font-medium">“{status.folder_name}”</span> : "your Drive"}.
    </p>
  );
}
