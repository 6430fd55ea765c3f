import { useId, useState } from "react";

import { LoadFailed } from "../../../components/LoadFailed";
import { formatDateTime } from "../../../lib/format";
import { useDriveStatus, type DriveStatus } from "../api/connection";
import { LEAST_PRIVILEGE_NOTE } from "../labels";
import { ConnectDrive } from "./ConnectDrive";
import { DisconnectDrive } from "./DisconnectDrive";
import { FolderSettings } from "./FolderSettings";

/** The Google Drive part of the integrations page, for whatever state the connection is in. */
export function DriveSettings() {
  const headingId = useId();
  const status = useDriveStatus();
  const [disconnected, setDisconnected] = useState(false);
  return (
    <section aria-labelledby={headingId} className="space-y-4 rounded-lg bg-white p-4 shadow">
      <div className="space-y-1">
        <h2 id={headingId} className="text-xl font-semibold">
          Google Drive
        </h2>
        <p className="text-slate-700">Send finished exports to a folder in your Google Drive, and keep them up to date.</p>
      </div>
      {disconnected && (
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">
          Google Drive is disconnected. Files already sent stay in your Drive.
        </p>
      )}
      {status.isPending ? (
        <p role="status" className="text-slate-600">
          Loading your Google Drive connection…
        </p>
      ) : status.isError ? (
        <LoadFailed what="your Google Drive connection" error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <DriveState status={status.data} onDisconnected={() => setDisconnected(true)} onConnecting={() => setDisconnected(false)} />
      )}
    </section>
  );
}

function Account({ status }: { status: DriveStatus }) {
  if (status.account_email == null) return null;
  return (
    <p className="text-slate-700">
      Account: <span className="font-medium">{status.account_email}</span>
      {status.connected_at != null && (
        <>
          {" "}
          · connected <time dateTime={status.connected_at}>{formatDateTime(status.connected_at)}</time>
        </>
      )}
    </p>
  );
}

interface DriveStateProps {
  status: DriveStatus;
  onDisconnected: () => void;
  onConnecting: () => void;
}

function DriveState({ status, onDisconnected, onConnecting }: DriveStateProps) {
  if (!status.configured) {
    return (
      <p role="note" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-slate-800">
        Google Drive is not set up on this server. The server administrator must give Courzly a Google OAuth client
        (GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET) before anyone can connect.
      </p>
    );
  }
  if (status.needs_reconnect) {
    return (
      <div className="space-y-3">
        <Account status={status} />
        <div role="note" className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
          <p>
            <strong>Warning:</strong> Google no longer accepts Courzly&apos;s access to your Drive (it was revoked or has
            expired), so nothing is sent there. Connect again to carry on; your folder and synced files stay as they are.
          </p>
          <ConnectDrive label="Connect again" />
        </div>
        <DisconnectDrive account={status.account_email ?? null} onDisconnected={onDisconnected} />
      </div>
    );
  }
  if (!status.connected) {
    return (
      <div className="space-y-3">
        <p className="text-slate-700">
          Connecting opens Google, where you allow access and come back here. {LEAST_PRIVILEGE_NOTE}
        </p>
        <ConnectDrive label="Connect Google Drive" onStart={onConnecting} />
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <p className="font-medium text-emerald-800">Connected.</p>
        <Account status={status} />
        <DisconnectDrive account={status.account_email ?? null} onDisconnected={onDisconnected} />
      </div>
      <FolderSettings status={status} />
    </div>
  );
}
